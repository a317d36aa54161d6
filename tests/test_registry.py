"""The one detector registry: what it holds, and a site's own detector added from its own package."""

from __future__ import annotations

import sys

import pytest

from pipeline.config import PROJECT_ROOT, load_config
from pipeline.detectors import registry
from pipeline.errors import ConfigError
from pipeline.options import DetectorOptions, registered_detector_names
from pipeline.types import CATEGORIES, AudioInfo, Segment, Transcript

LEXICONS = PROJECT_ROOT / "lexicons"
BUILT_IN = {
    "credential_request": {"phrase.credential_request"},
    "escalation": {"phrase.escalation"},
    "forbidden_phrases": {"phrase.forbidden"},
    "overpromise": {"phrase.overpromise"},
    "pii": {"pii.id_card", "pii.bank_card", "pii.phone", "pii.credential"},
    "script_compliance": {"script.opening_missing", "script.closing_missing"},
    "emotion": {
        "emotion.customer_negative",
        "emotion.customer_soothed",
        "emotion.customer_not_soothed",
    },
    # rules.txt: the categories its kinds may report, and any custom.* one
    "rules": {
        "phrase.forbidden",
        "phrase.overpromise",
        "phrase.credential_request",
        "script.response_missing",
        registry.CUSTOM_CATEGORIES,
    },
}


@pytest.mark.parametrize("name, categories", sorted(BUILT_IN.items()))
def test_built_in_detectors_are_registered(name, categories):
    spec = registry.detector(name)
    assert spec.name == name and set(spec.categories) == categories
    assert categories - {registry.CUSTOM_CATEGORIES} <= CATEGORIES
    spec.check_setup(str(LEXICONS))  # the shipped rule data loads


def test_names_config_default_and_phrase_book_read_the_registry():
    assert set(registered_detector_names()) >= set(BUILT_IN)
    assert DetectorOptions().enabled == registered_detector_names()
    book = registry.phrase_book(LEXICONS)
    files = {category.lexicon_file for category in book.categories}
    assert {"forbidden_phrases.txt", "script_opening.txt", "script_closing.txt"} <= files
    assert registry.phrase_book(str(LEXICONS)) is book  # one book per folder: shared caches


SITE_DETECTOR = """
from pipeline.detectors.base import DetectorSpec
from pipeline.types import Finding


def detect(call):
    return [
        Finding(call.call_id, "phrase.forbidden", "site.shouting", "minor", "agent", s.start, s.end,
                s.text[:8], ruleset_version=call.ruleset_version)
        for s in call.transcript.segments
        if s.role == "agent" and "！！" in s.text
    ]


DETECTOR = DetectorSpec(name="site_shouting", detect=detect, check_setup=lambda lexicon_dir: None,
                        categories=("phrase.forbidden",))
"""


@pytest.fixture
def site_package(tmp_path, monkeypatch):
    """An installed distribution of a site's own: a module and its entry point, on sys.path."""

    def install(module_text: str, entry: str) -> None:
        (tmp_path / "site_rules.py").write_text(module_text, encoding="utf-8")
        info = tmp_path / "site_rules-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: site-rules\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[callqa.detectors]\n{entry}\n", encoding="utf-8")
        monkeypatch.syspath_prepend(str(tmp_path))
        registry.registered.cache_clear()
        registry._phrase_book.cache_clear()

    yield install
    sys.modules.pop("site_rules", None)
    monkeypatch.undo()
    registry.registered.cache_clear()
    registry._phrase_book.cache_clear()


def test_a_site_package_adds_a_detector(site_package, tmp_path):
    site_package(SITE_DETECTOR, "site_shouting = site_rules:DETECTOR")
    assert "site_shouting" in registered_detector_names()
    site = tmp_path / "site.toml"
    site.write_text('[detectors]\nenabled = ["site_shouting", "pii"]\n', encoding="utf-8")
    config = load_config(site)  # validated against the registry
    segments = (Segment(1.0, 2.0, "ch0", "agent", "你听不懂吗！！"),)
    transcript = Transcript("c1", segments, AudioInfo("c1.wav", "0" * 64, 5.0, 8000, 2), "test")
    call = registry.call_context(transcript, LEXICONS, "test")
    findings = registry.run_detectors(call, config.detectors.enabled)
    assert [f.rule_id for f in findings] == ["site.shouting"]


def test_a_detector_outside_its_declared_categories_is_refused(site_package):
    site_package(
        SITE_DETECTOR.replace('categories=("phrase.forbidden",)', 'categories=("pii.phone",)'),
        "site_shouting = site_rules:DETECTOR",
    )
    segments = (Segment(1.0, 2.0, "ch0", "agent", "你听不懂吗！！"),)
    transcript = Transcript("c1", segments, AudioInfo("c1.wav", "0" * 64, 5.0, 8000, 2), "test")
    with pytest.raises(ValueError, match="not one it declares"):
        registry.run_detectors(registry.call_context(transcript, LEXICONS, "t"), ("site_shouting",))


@pytest.mark.parametrize(
    "module_text, entry, message",
    [
        (
            "raise ImportError('no module named nltk')",
            "broken = site_rules:DETECTOR",
            "detector broken = site_rules:DETECTOR cannot be loaded: no module named nltk",
        ),
        (
            "DETECTOR = 42",
            "odd = site_rules:DETECTOR",
            "not the DetectorSpec of a detector named odd",
        ),
        (
            SITE_DETECTOR.replace(
                'categories=("phrase.forbidden",)', 'categories=("phrase.rude",)'
            ),
            "site_shouting = site_rules:DETECTOR",
            "unknown finding categor(ies) phrase.rude",
        ),
    ],
)
def test_a_broken_site_detector_is_a_clear_error(site_package, module_text, entry, message):
    site_package(module_text, entry)
    with pytest.raises(ConfigError) as caught:
        registry.registered()
    assert message in str(caught.value)
