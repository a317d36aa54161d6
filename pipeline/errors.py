"""Named errors. Each reads as a sentence that names the file and the reason."""

from __future__ import annotations

import os
from pathlib import Path


def printable(name: str | Path) -> str:
    """A file name that is not valid UTF-8 (bytes Python keeps as surrogates) written with
    \\x escapes, so it can be stored, shown and still told apart."""
    return os.fsencode(str(name)).decode("utf-8", "backslashreplace")


class CallqaError(Exception):
    """Base class: anything callqa reports to a user as a clear message."""


class AudioDecodeError(CallqaError):
    """A recording is not audio, is empty, truncated or unreadable."""

    def __init__(self, path: Path | str, reason: str):
        self.path = printable(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


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


class CallNotFoundError(CallqaError):
    """No call with this id is stored in the database."""

    def __init__(self, call_id: str, db_path: Path | str):
        self.call_id = call_id
        self.db_path = printable(db_path)
        super().__init__(f"no call with id {call_id!r} in {self.db_path}")


class CallNotProcessedError(CallqaError):
    """A stored call failed processing: nothing was inspected, so nothing is known about it."""

    def __init__(self, call_id: str, reason: str):
        self.call_id = call_id
        self.reason = reason
        super().__init__(
            f"call {call_id!r} failed processing, so it was never inspected for personal data "
            f"({reason})"
        )


class RecordingNotFoundError(CallqaError):
    """The recording of a stored call is no longer where the call was processed from."""

    def __init__(self, call_id: str, path: Path | str, reason: str = "is not there"):
        self.call_id = call_id
        self.path = printable(path)
        super().__init__(
            f"call {call_id!r}: its recording {self.path} {reason} "
            "(moved or deleted since the call was processed?)"
        )


class RecordingChangedError(CallqaError):
    """The recording of a stored call holds other bytes than those that were processed."""

    def __init__(self, call_id: str, path: Path | str, reason: str):
        self.call_id = call_id
        self.path = printable(path)
        self.reason = reason
        super().__init__(f"call {call_id!r}: its recording {self.path} {reason}")


class ReviewStoreError(CallqaError):
    """The review store (users, verdicts, appeals …) cannot be opened or refuses a record."""


class ReviewInputError(ReviewStoreError):
    """A review record names an invalid value (an unknown role, verdict or decision …)."""


class UnknownUser(ReviewStoreError):
    """No user of this name is in the review store."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"no user named {name!r} in the review store")


class UserExists(ReviewStoreError):
    """A user of this name is already in the review store."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"a user named {name!r} already exists in the review store")


class UnknownAppeal(ReviewStoreError):
    """No appeal with this id is in the review store."""

    def __init__(self, appeal_id: int):
        self.appeal_id = appeal_id
        super().__init__(f"no appeal with id {appeal_id} in the review store")


class AppealClosed(ReviewStoreError):
    """An appeal that was already decided cannot be decided again."""

    def __init__(self, appeal_id: int, decision: str, decided_by: str):
        self.appeal_id = appeal_id
        super().__init__(f"appeal {appeal_id} was already decided ({decision} by {decided_by})")


class ReviewPermissionError(ReviewStoreError):
    """The user's role (or disabled account) does not allow this review record."""
