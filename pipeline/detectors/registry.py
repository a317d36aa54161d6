"""The one detector registry: every text detector, read from the `callqa.detectors` entry points.

Each detector module declares itself once (`DETECTOR = DetectorSpec(...)`: name, detect, set-up
check, categories, phrase lists) and `pyproject.toml` names it in one line:

    [project.entry-points."callqa.detectors"]
    overpromise = "pipeline.detectors.overpromise:DETECTOR"

Config validation and the default list (pipeline.options.registered_detector_names), the set-up
check (pipeline.provision.check), the phrase book and `run_detectors` all read that table, so a
detector is added with one module, one line, its lexicon and its test — and a site can add its
own from another installed package the same way.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import entry_points
from operator import attrgetter
from pathlib import Path

from pipeline.detectors.base import CallContext, DetectorSpec
from pipeline.detectors.events import merge_events
from pipeline.detectors.phrases.engine import check_lexicons
from pipeline.detectors.phrases.spec import PhraseBook
from pipeline.errors import ConfigError
from pipeline.options import DETECTOR_ENTRY_POINTS, ScriptOptions
from pipeline.types import CATEGORIES, Finding, Transcript, is_known_category

# What a detector's `categories` lists when it may report a site's custom.* categories.
CUSTOM_CATEGORIES = "custom.*"
_ORDER = attrgetter("start_s", "category", "rule_id")  # the order run_detectors returns


@lru_cache(maxsize=1)
def registered() -> dict[str, DetectorSpec]:
    """name -> spec of every registered detector, in name order."""
    specs: dict[str, DetectorSpec] = {}
    for point in sorted(entry_points(group=DETECTOR_ENTRY_POINTS), key=lambda point: point.name):
        if point.name in specs:
            continue  # the same distribution seen twice on sys.path (an editable install's egg-info)
        try:
            spec = point.load()
        except Exception as exc:  # a site's detector package that is broken or half installed
            raise ConfigError(
                f"detector {point.name} = {point.value} cannot be loaded: {exc}"
            ) from exc
        if not isinstance(spec, DetectorSpec) or spec.name != point.name:
            raise ConfigError(
                f"entry point {point.name} = {point.value}: not the DetectorSpec of a detector named {point.name}"
            )
        unknown = sorted(set(spec.categories) - CATEGORIES - {CUSTOM_CATEGORIES})
        if unknown:
            raise ConfigError(
                f"detector {spec.name}: unknown finding categor(ies) {', '.join(unknown)}"
            )
        specs[spec.name] = spec
    return specs


def detector(name: str) -> DetectorSpec:
    try:
        return registered()[name]
    except KeyError:
        raise ConfigError(f"unknown detector {name!r}; known: {', '.join(registered())}") from None


def phrase_book(lexicon_dir: Path | str) -> PhraseBook:
    """The phrase categories of every registered detector, over one lexicon folder (one object
    per folder, so the engine's caches keyed by it are shared)."""
    return _phrase_book(str(lexicon_dir))


@lru_cache(maxsize=8)
def _phrase_book(lexicon_dir: str) -> PhraseBook:
    categories = tuple(
        category for spec in registered().values() for category in spec.phrase_categories
    )
    return PhraseBook(lexicon_dir, categories)


def call_context(
    transcript: Transcript,
    lexicon_dir: Path,
    ruleset_version: str,
    script: ScriptOptions | None = None,
) -> CallContext:
    """What the detectors of one call receive, with the registry's phrase book."""
    return CallContext(
        transcript=transcript,
        lexicon_dir=lexicon_dir,
        ruleset_version=ruleset_version,
        phrase_book=phrase_book(lexicon_dir),
        script=script or ScriptOptions(),
    )


def run_detectors(call: CallContext, enabled: tuple[str, ...]) -> list[Finding]:
    """The findings of the `enabled` detectors on one call, ordered by time, category and rule."""
    specs = registered()
    findings: list[Finding] = []
    for name in enabled:
        spec = specs.get(name) or detector(name)  # detector(): the error naming the known ones
        produced = spec.detect(call)
        for finding in produced:
            if finding.category not in spec.categories and not (
                CUSTOM_CATEGORIES in spec.categories and is_known_category(finding.category)
            ):
                raise ValueError(
                    f"detector {name} produced category {finding.category!r}, not one it declares"
                )
        if spec.merge_events and len(produced) > 1:  # a lone finding is its own event
            produced = merge_events(produced, call.transcript.segments)
        findings.extend(produced)
    if len(findings) > 1:
        findings.sort(key=_ORDER)
    return findings


def check_setup(enabled: tuple[str, ...], lexicon_dir: Path | str) -> None:
    """Load the rule data of every enabled detector, then every phrase list present (the
    tokenizer reads the phrases of disabled detectors too): a broken line stops the run here."""
    for name in enabled:
        detector(name).check_setup(str(lexicon_dir))
    check_lexicons(phrase_book(lexicon_dir))
