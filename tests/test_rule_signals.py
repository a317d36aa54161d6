"""Signals of the phrase model in anchor-and-window rules (pipeline/detectors/rule_signals.py).

The mechanism is tested on small hand-written model files and rules: a signal makes an anchor
or a response where no word list does, its veto drops a listed anchor, the rules' explicit no
(an except= context) stands, and a signal the model lacks stops the run naming file and line.
The trained signals of the shipped model are measured in tests/test_rule_language.py's floors.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.detectors.explain import explain
from pipeline.detectors.phrases.model import MODEL_FILE, load_model
from pipeline.detectors.registry import call_context, run_detectors
from pipeline.detectors.rule_file import load_file_rules
from pipeline.errors import LexiconError
from tests.lexicon_dirs import rules_only
from tests.ordinary_talk import corpus_sentences
from tests.phrase_eval import transcript_of

# 稻谷 and 收成 are in no word list: only the signals can make an anchor or a response of them.
RULE = (
    "ask.answer  custom.answer_missing  major  when=customer:会不会亏  require=agent:有风险  "
    "within=2turns  cause=compliance_risk.risk_disclosure  except=押金…会不会亏  {options}\n"
)


def model(question_add: float = 0.5, question_veto: float = 0.0) -> str:
    return (
        "gram\tphrase.forbidden\tsignal.question\tsignal.answer\n"
        "@bias\t-9\t-5\t-5\n"
        f"@add\t2\t{question_add}\t0.5\n"
        f"@veto\t0\t{question_veto}\t0\n"
        "稻谷\t0\t9\t0\n"
        "收成\t0\t0\t9\n"
        "押金\t0\t9\t0\n"
    )


@pytest.fixture
def site(tmp_path) -> Path:
    folder = tmp_path / "lexicons"
    shutil.copytree(rules_only(), folder)
    return folder


def write(folder: Path, rule_options: str, model_text: str | None) -> Path:
    (folder / "rules.txt").write_text(RULE.format(options=rule_options), encoding="utf-8")
    if model_text is not None:
        (folder / MODEL_FILE).write_text(model_text, encoding="utf-8")
    load_model.cache_clear()
    load_file_rules.cache_clear()
    return folder


def missing(folder: Path, *turns: tuple[str, str]):
    call = call_context(transcript_of("call-1", turns), folder, "test")
    return [f for f in run_detectors(call, ("rules",)) if f.category == "custom.answer_missing"]


BOTH = "when_signal=question  require_signal=answer"
CASES = [
    pytest.param(
        BOTH, [("customer", "我那稻谷钱放进去还在吗"), ("agent", "放心")], 1, id="signal-anchor"
    ),
    pytest.param(
        BOTH,
        [("customer", "我那稻谷钱放进去还在吗"), ("agent", "要看今年收成")],
        0,
        id="signal-response",
    ),
    pytest.param(
        BOTH,
        [("customer", "这个会不会亏"), ("agent", "要看收成")],
        0,
        id="list-anchor-signal-reply",
    ),
    pytest.param(
        "require_signal=answer",
        [("customer", "我那稻谷钱放进去还在吗"), ("agent", "放心")],
        0,
        id="no-when-signal-no-model-anchor",
    ),
    pytest.param(
        BOTH,
        [("customer", "押金放着会不会亏"), ("agent", "放心")],
        0,
        id="except-context-stands-against-the-signal",
    ),
    pytest.param(
        BOTH,
        [("agent", "我那稻谷钱放进去还在吗"), ("agent", "放心")],
        0,
        id="only-the-anchor-party",
    ),
]


@pytest.mark.parametrize("options,turns,n", CASES)
def test_signals_open_and_close_windows(site, options, turns, n):
    folder = write(site, options, model())
    found = missing(folder, *turns)
    assert len(found) == n, found
    for finding in found:
        anchor = finding.details["anchor"]
        if anchor["matched_by"] == "model":
            assert anchor["pattern"] == "signal.question" and anchor["score"] >= 0.5
            assert anchor["heard"] == turns[0][1]


def test_a_signal_anchor_is_explained_with_its_score(site):
    folder = write(site, BOTH, model())
    (finding,) = missing(folder, ("customer", "我那稻谷钱放进去还在吗"), ("agent", "好的"))
    assert finding.details["anchor"]["matched_by"] == "model"
    assert 0.98 < finding.details["anchor"]["score"] <= 1.0
    assert finding.evidence and "稻谷" in finding.evidence
    (line,) = [text for label, text in explain(finding) if label == "anchor"]
    assert "'signal.question' heard '我那稻谷钱放进去还在吗' by model (probability 0.9" in line


def test_veto_drops_a_listed_anchor_the_signal_scores_low(site):
    turns = [("customer", "这个会不会亏"), ("agent", "放心")]
    assert len(missing(write(site, BOTH, model(question_veto=0.0)), *turns)) == 1
    assert missing(write(site, BOTH, model(question_veto=0.1)), *turns) == []


def test_without_a_model_file_the_patterns_work_alone(site):
    folder = write(site, BOTH, None)
    (folder / MODEL_FILE).unlink(missing_ok=True)
    load_model.cache_clear()
    assert missing(folder, ("customer", "我那稻谷钱放进去还在吗"), ("agent", "放心")) == []
    assert len(missing(folder, ("customer", "这个会不会亏"), ("agent", "放心"))) == 1


BAD = [
    pytest.param(
        "when_signal=nosuch", "has no column signal.nosuch (its signals: question, answer)"
    ),
    pytest.param("when_signal=Bad-Name", "when_signal= takes a signal name"),
]


@pytest.mark.parametrize("options,message", BAD)
def test_a_bad_signal_stops_the_run_naming_file_and_line(site, options, message):
    folder = write(site, options, model())
    with pytest.raises(LexiconError) as error:
        load_file_rules(str(folder))
    assert f"{folder / 'rules.txt'}:1: " in str(error.value)
    assert message in str(error.value)


def test_a_signal_goes_with_when_rules_only(site):
    (site / "rules.txt").write_text(
        "x.y  custom.t  minor  match=agent:竞品  when_signal=question  cause=a.b\n",
        encoding="utf-8",
    )
    (site / MODEL_FILE).write_text(model(), encoding="utf-8")
    load_model.cache_clear()
    load_file_rules.cache_clear()
    with pytest.raises(LexiconError, match=r"rules.txt:1: when_signal= does not go with match="):
        load_file_rules(str(site))


def test_the_shipped_signals_make_no_anchor_of_ordinary_talk():
    """Read news sentences of the shared corpus and everyday call-center lines, said by the
    customer alone or four at a time, with an agent who answers without any disclosure: no
    anchor of the risk_question signal (the thresholds were chosen to leave these alone)."""
    ordinary = [
        "我想查一下我的信用卡账单，上个月多扣了三百块钱。",
        "订单号是二零二六一一二一零零八八，金额一万两千元。",
        "你们这个快递什么时候能到啊",
        "嗯，好的，那我等一下。",
    ]
    texts = corpus_sentences() + ordinary
    shipped = PROJECT_ROOT / "lexicons"
    load_file_rules.cache_clear()
    anchors = [
        text
        for text in texts
        for finding in missing_of(shipped, ("customer", text), ("agent", "好的，我帮您看一下"))
        if finding.details["anchor"]["matched_by"] == "model"
    ]
    assert anchors == []


def missing_of(folder: Path, *turns: tuple[str, str]):
    call = call_context(transcript_of("call-1", turns), folder, "test")
    return [f for f in run_detectors(call, ("rules",)) if f.category == "script.response_missing"]
