"""Named errors. Each reads as a sentence that names the file and the reason."""

from __future__ import annotations

from pathlib import Path


class CallqaError(Exception):
    """Base class: anything callqa reports to a user as a clear message."""


class AudioDecodeError(CallqaError):
    """A recording is not audio, is empty, truncated or unreadable."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ModelNotFoundError(CallqaError):
    """A configured model folder is missing or does not verify."""


class ModelInstallError(CallqaError):
    """No source could provide a model whose checksum matched."""


class ConfigError(CallqaError):
    """The configuration file is malformed or names an invalid value."""


class LexiconError(CallqaError):
    """A lexicon file cannot be parsed."""


class TranscriptFormatError(CallqaError):
    """A transcript JSON file does not follow callqa.transcript/1."""
