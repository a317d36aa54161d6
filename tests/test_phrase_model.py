"""The phrase model beside the rules (pipeline/detectors/phrases/model.py, model_findings.py).

The mechanism is tested with small model files written here (what `add` and `veto` do, whose
speech is read, what a finding of the model says, what a malformed file does); the shipped,
trained lexicons/phrase_model.tsv is tested for what must hold of any trained model: its
scores are the same utterance by utterance as call by call, and from run to run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.detectors.explain import explain
from pipeline.detectors.phrases import engine
from pipeline.detectors.phrases.model import (
    MODEL_FILE,
    _codes,
    _key_of,
    gram_keys,
    gram_text,
    line_scores,
    load_model,
    near_line_scores,
)
from pipeline.detectors.registry import call_context, phrase_book, run_detectors
from pipeline.errors import LexiconError
from pipeline.types import AudioInfo, Segment, Transcript
from tests.ordinary_talk import corpus_sentences

LEXICONS = PROJECT_ROOT / "lexicons"
PHRASES = ("forbidden_phrases", "overpromise", "credential_request", "escalation")
HEADER = (
    "gram\tphrase.forbidden\tphrase.overpromise\tphrase.credential_request\tphrase.escalation\n"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """One copy of the shipped lexicons for the module: the rules compile once, and each test
    writes the model file it needs (load_model is cached per directory, so it is cleared)."""
    folder = tmp_path_factory.mktemp("site") / "lexicons"
    shutil.copytree(LEXICONS, folder, ignore=shutil.ignore_patterns(MODEL_FILE))
    return folder


def site_with_model(site: Path, body: str) -> Path:
    (site / MODEL_FILE).write_text(body, encoding="utf-8")
    load_model.cache_clear()
    return site


def small_model(add: float = 0.9, veto: float = 0.0) -> str:
    # 凉快 is in no lexicon: only the model can find 一边凉快去.
    return (
        HEADER
        + "@bias\t-5\t-5\t-5\t-5\n"
        + f"@add\t{add}\t{add}\t{add}\t{add}\n"
        + f"@veto\t{veto}\t{veto}\t{veto}\t{veto}\n"
        + "凉快\t9\t0\t0\t0\n"
        + "凉\t1\t0\t0\t0\n"
        + "^一\t0.5\t0\t0\t0\n"
    )


def findings_of(folder: Path, *turns: tuple[str, str]):
    segments, t = [], 1.0
    for role, text in turns:
        segments.append(Segment(t, t + 3.0, "ch0" if role == "agent" else "ch1", role, text))
        t += 4.0
    transcript = Transcript(
        "call-1", tuple(segments), AudioInfo("x.wav", "0" * 64, t, 8000, 2), "test"
    )
    return run_detectors(call_context(transcript, folder, "test"), PHRASES)


def test_the_model_adds_an_utterance_no_rule_matched_and_explains_it(site):
    folder = site_with_model(site, small_model())
    (finding,) = findings_of(folder, ("agent", "一边凉快去"), ("customer", "好吧"))
    assert (finding.category, finding.rule_id, finding.severity) == (
        "phrase.forbidden",
        "forbidden.model",
        "minor",
    )
    assert (finding.start_s, finding.end_s, finding.evidence) == (1.0, 4.0, "【一边凉快去】")
    model = finding.details["model"]
    assert model["grams"] == ["凉快", "凉", "^一"] and model["score"] > 0.99
    assert finding.root_cause == "service_attitude"
    rows = dict(explain(finding))
    assert "凉快" in rows["model"] and "phrase_model.tsv" in rows["model"]


def test_only_the_categorys_party_is_judged(site):
    folder = site_with_model(site, small_model())
    assert findings_of(folder, ("customer", "一边凉快去")) == []


def test_an_utterance_a_rule_matched_is_not_added_again(site):
    folder = site_with_model(site, small_model())
    (finding,) = findings_of(folder, ("agent", "一边凉快去，这个我真帮不了您"))
    assert finding.rule_id != "forbidden.model" and "model" not in finding.details


@pytest.mark.parametrize(
    ("veto", "kept"),
    [pytest.param(0.0, 1, id="veto-0-never"), pytest.param(0.1, 0, id="veto-below-0.1")],
)
def test_veto_drops_rule_matches_the_model_scores_low(site, veto, kept):
    folder = site_with_model(site, small_model(add=2.0, veto=veto))
    assert len(findings_of(folder, ("agent", "这个我真帮不了您"))) == kept


def test_add_above_one_never_adds(site):
    folder = site_with_model(site, small_model(add=2.0))
    assert findings_of(folder, ("agent", "一边凉快去")) == []


def test_explanations_never_show_a_digit_of_a_number(site):
    body = small_model() + "138\t9\t0\t0\t0\n"
    folder = site_with_model(site, body)
    (finding,) = findings_of(folder, ("agent", "一边凉快去你的号码13812345678"))
    assert "1381234" not in finding.evidence
    assert finding.details["model"]["grams"] == ["凉快", "凉", "^一"]


BAD_FILES = [
    pytest.param("gram\n", "first line must be 'gram'", id="no-categories"),
    pytest.param(HEADER + "@bias\t1\t2\n", "3 columns, expected 5", id="columns"),
    pytest.param(HEADER + "@bias\t1\tx\t1\t1\n", "'x' is not a number", id="not-a-number"),
    pytest.param(HEADER + "@bias\t1\tnan\t1\t1\n", "not a finite number", id="nan"),
    pytest.param(HEADER + "@slope\t1\t1\t1\t1\n", "unknown setting '@slope'", id="setting"),
    pytest.param(HEADER + "拉倒吧呀\t1\t1\t1\t1\n", "not a 1- to 3-character", id="long-gram"),
    pytest.param(HEADER + "拉\t1\t1\t1\t1\n拉\t1\t1\t1\t1\n", "listed twice", id="twice"),
    pytest.param(HEADER + "@bias\t1\t1\t1\t1\n", "no @add or @veto line", id="no-thresholds"),
]


@pytest.mark.parametrize(("body", "reason"), BAD_FILES)
def test_a_malformed_model_stops_the_set_up_check_naming_file_and_line(site, body, reason):
    folder = site_with_model(site, body)
    with pytest.raises(LexiconError, match=reason) as raised:
        engine.check_lexicons(phrase_book(folder))
    assert MODEL_FILE in str(raised.value)


def test_without_a_model_file_the_rules_work_alone(site):
    folder = site_with_model(site, "")
    (folder / MODEL_FILE).unlink()
    assert load_model(str(folder)) is None
    assert len(findings_of(folder, ("agent", "这个我真帮不了您"))) == 1
    assert findings_of(folder, ("agent", "一边凉快去")) == []


@pytest.mark.parametrize(
    "gram", ["拉", "拉倒", "拉倒吧", "^拉", "拉$", "^拉$", "^拉倒", "倒吧$", "a"]
)
def test_an_ngram_key_reads_back_as_the_ngram(gram):
    assert gram_text(_key_of(gram)) == gram


def test_ngrams_of_an_utterance_stay_inside_it():
    # an empty utterance has none; punctuation is dropped before the n-grams are taken
    keys, lines = gram_keys(_codes("拉倒，\n\n好"))
    grams = sorted((int(line), gram_text(int(k))) for k, line in zip(keys, lines))
    first = [(0, "拉"), (0, "倒"), (0, "^拉"), (0, "拉倒"), (0, "倒$"), (0, "^拉倒"), (0, "拉倒$")]
    assert grams == sorted([*first, (2, "好"), (2, "^好"), (2, "好$"), (2, "^好$")])


# Weights whose sum over 一边凉快去 rounds otherwise in near_line_scores' order than in training's.
ROUNDING = [("一", 0.1), ("边", 0.2), ("凉", 0.3), ("快", 0.7), ("一边", 0.11), ("^一", 0.13)]
ROUNDING += [("凉快", 0.17), ("快去", 0.19), ("去$", 0.23), ("边凉快", 0.29), ("去", 0.31)]


def rounding_model(add: float) -> str:
    body = HEADER + f"@bias\t-3\t-5\t-5\t-5\n@add\t{add!r}\t2\t2\t2\n@veto\t0\t0\t0\t0\n"
    return body + "".join(f"{gram}\t{weight}\t0\t0\t0\n" for gram, weight in ROUNDING)


def test_a_score_on_a_threshold_is_decided_by_trainings_sums(site):
    """A call's scores are summed in a faster order, which may change their last bits; where a
    threshold could tell the two apart, the call takes training's sums."""
    model = load_model(str(site_with_model(site, rounding_model(2.0))))
    assert model is not None
    exact = float(line_scores(model, "一边凉快去", 1)[0, 0])
    assert float(near_line_scores(model, "一边凉快去", 1)[0, 0]) < exact  # the case at hand
    (finding,) = findings_of(site_with_model(site, rounding_model(exact)), ("agent", "一边凉快去"))
    assert finding.rule_id == "forbidden.model"
    assert finding.details["model"]["score"] == round(exact, 4)
    just_above = float(np.nextafter(exact, 1.0))
    assert (
        findings_of(site_with_model(site, rounding_model(just_above)), ("agent", "一边凉快去"))
        == []
    )


def shipped_model():
    model = load_model(str(LEXICONS))
    if model is None:
        pytest.fail(f"lexicons/{MODEL_FILE} is shipped; retrain with python -m tests.phrase_train")
    return model


def test_shipped_scores_are_the_same_call_by_call_as_utterance_by_utterance():
    from tests.phrase_tuning import UTTERANCES

    model = shipped_model()
    texts = [text for _, text, _ in UTTERANCES] + ["", "，。", "好"]
    together = line_scores(model, "\n".join(texts), len(texts))
    alone = np.vstack([line_scores(model, text, 1) for text in texts])
    assert np.allclose(together, alone, rtol=0, atol=1e-12)
    assert np.array_equal(together, line_scores(model, "\n".join(texts), len(texts)))
    short = [text for text in texts if len(text) <= 60]
    near = near_line_scores(model, "\n".join(short), len(short))
    assert np.abs(near - line_scores(model, "\n".join(short), len(short))).max() <= model.rounding


def test_the_shipped_model_is_what_training_writes(tmp_path):
    """lexicons/phrase_model.tsv is retrained whenever a tuning set changes."""
    import subprocess
    import sys

    out = tmp_path / MODEL_FILE
    subprocess.run(
        [sys.executable, "-m", "tests.phrase_train", "--out", str(out)],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    assert out.read_text(encoding="utf-8") == (LEXICONS / MODEL_FILE).read_text(encoding="utf-8")


def test_the_shipped_model_adds_nothing_to_ordinary_talk_it_never_saw():
    """Read news sentences of the shared corpus, everyday call-center lines and numbers read out,
    said by either party, long or short: none of it is a finding of the model."""
    ordinary = [
        "好的，请您提供一下您的手机号码。",
        "我的手机号是一三八五八二三一七四三",
        "订单号是二零二六一一二一零零八八，金额一万两千元。",
        "我想查一下我的信用卡账单，上个月多扣了三百块钱。",
        "您的问题我已经记录下来了，会在两个工作日内给您回复。",
        "嗯",
        "对对对",
    ]
    texts = corpus_sentences() + ordinary
    added = [
        (role, f.rule_id, text)
        for role in ("agent", "customer")
        for text in texts
        for f in findings_of(LEXICONS, (role, text))
        if f.rule_id.endswith(".model")
    ]
    assert added == []
