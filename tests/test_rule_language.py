"""The rule language of issue 15, one table per rule type: choices, proximity, except= contexts,
fronted negation, one event one finding, and the full-form rules of rules.txt (anchor + window,
order, custom categories), with the lines that must be refused. The floors on the labelled
sets are in tests/test_phrase_floors.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.detectors import forbidden_phrases
from pipeline.detectors.explain import explain
from pipeline.detectors.phrases import engine as phrase_rules
from pipeline.detectors.registry import call_context, run_detectors
from pipeline.detectors.rule_file import load_file_rules
from pipeline.errors import LexiconError
from pipeline.scoring.scorecard import load_scorecard, score_call
from tests.lexicon_dirs import rules_only
from tests.phrase_eval import transcript_of

# The rules alone: the phrase model beside them has its own tests (test_phrase_model.py).
LEXICONS = rules_only()
PHRASE_DETECTORS = ("credential_request", "escalation", "forbidden_phrases", "overpromise")


def findings_of(turns, detectors=PHRASE_DETECTORS, lexicon_dir: Path = LEXICONS):
    call = call_context(transcript_of("call-1", turns), lexicon_dir, "test")
    return run_detectors(call, detectors)


def rule_ids(turns, detectors=PHRASE_DETECTORS, lexicon_dir: Path = LEXICONS):
    return [(f.category, f.rule_id) for f in findings_of(turns, detectors, lexicon_dir)]


def site_lexicons(tmp_path: Path, **files: str) -> Path:
    """A copy of the shipped lexicons with some files replaced."""
    folder = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, folder)
    for name, text in files.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


# Pattern operators, on a lexicon of one rule each: (pattern, text, matches?)
OPERATORS = [
    pytest.param("[告诉|念给]我…密码", "好，念给我一下密码", True, id="choice"),
    pytest.param("[告诉|念给]我…密码", "你发给我一下密码", False, id="choice-other-word"),
    pytest.param("[把|]密码…告诉我", "密码现在告诉我", True, id="optional-word-left-out"),
    pytest.param("验证码+念给我", "验证码你念给我", True, id="proximity-in-order"),
    pytest.param("验证码+念给我", "好，念给我那个验证码", True, id="proximity-other-order"),
    pytest.param(
        "验证码+念给我", "验证码收到了吧。念给我听听歌", False, id="proximity-not-across-sentence"
    ),
    pytest.param(
        "不知道  except=不知道[您|你]…[方便|吗]", "不知道您明天方便吗", False, id="except-polite"
    ),
    pytest.param(
        "不知道  except=不知道[您|你]…[方便|吗]", "我也不知道", True, id="except-elsewhere"
    ),
]


@pytest.mark.parametrize("line,text,matches", OPERATORS)
def test_pattern_operators(tmp_path, line, text, matches):
    folder = site_lexicons(
        tmp_path,
        forbidden_phrases=f"{line.split('  ')[0]}  refusal  minor"
        + ("  " + line.split("  ", 1)[1] if "  " in line else "")
        + "\n",
    )
    found = rule_ids([("agent", text)], ("forbidden_phrases",), folder)
    assert bool(found) is matches, found


def test_a_choice_expands_to_every_wording_under_one_rule(tmp_path):
    folder = site_lexicons(tmp_path, forbidden_phrases="[这个|这事]…做不了主  refusal  major\n")
    rules = phrase_rules.load_rules(forbidden_phrases.SPEC, str(folder)).rules
    assert sorted("…".join(r.pieces) for r in rules) == ["这个…做不了主", "这事…做不了主"]
    assert {r.rule_id for r in rules} == {"forbidden.refusal"}
    assert {r.lexicon_line for r in rules} == {"forbidden_phrases.txt:1"}


# Negation that looks fronted but is not, and negation that reaches: (agent says, promise?)
FRONTED = [
    pytest.param("不瞒您说这个保本", True, id="不瞒您说-is-candour"),
    pytest.param("不是我吹，这个产品保本", True, id="不是我吹-own-clause"),
    pytest.param("别人家不保本我们保本", True, id="break-我们"),
    pytest.param("这个不保本，但是收益稳定", False, id="negated-then-but"),
    pytest.param("我们不保本", False, id="cue-after-break-still-negates"),
    pytest.param("这款不是保本的但是风险低", False, id="but-after-the-match"),
]


@pytest.mark.parametrize("text,promise", FRONTED)
def test_fronted_negation(text, promise):
    found = rule_ids([("agent", text)], ("overpromise",))
    assert bool(found) is promise, found


# One event, one finding: (party, text, categories with their finding counts)
EVENTS = [
    pytest.param(
        "customer", "我要去消协投诉你们", {"phrase.escalation": 1}, id="two-rules-one-threat"
    ),
    pytest.param(
        "customer", "我要打12315，还要找记者曝光你们", {"phrase.escalation": 1}, id="three-rules"
    ),
    pytest.param(
        "agent",
        "这个保本的，你把验证码告诉我",
        {"phrase.overpromise": 1, "phrase.credential_request": 1},
        id="two-categories-stay-two",
    ),
]


@pytest.mark.parametrize("role,text,expected", EVENTS)
def test_one_event_one_finding(role, text, expected):
    findings = findings_of([(role, text)])
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.category] = counts.get(f.category, 0) + 1
    assert counts == expected


def test_a_merged_event_keeps_every_rule_and_explains_them():
    (finding,) = findings_of([("customer", "我要去消协投诉你们")])
    merged = {m["rule_id"] for m in finding.details["matches"]}
    assert merged == {"escalation.complaint", "escalation.regulator"}
    rows = dict(explain(finding))
    assert rows["category"] == "phrase.escalation" and "消协" in str(explain(finding))


def test_two_utterances_are_two_events():
    findings = findings_of(
        [("customer", "我要投诉你们"), ("agent", "好的"), ("customer", "我还要投诉")]
    )
    assert [f.category for f in findings] == ["phrase.escalation", "phrase.escalation"]


# rules.txt: anchor + window and order rules, on the shipped file.
WINDOWS = [
    pytest.param(
        [("customer", "这个会不会亏钱啊"), ("agent", "理财非存款，产品有风险")], 0, id="disclosed"
    ),
    pytest.param(
        [("customer", "这个会不会亏钱啊"), ("agent", "放心吧"), ("agent", "大家都买")],
        1,
        id="missing",
    ),
    pytest.param(
        [
            ("customer", "这个安全吗"),
            ("agent", "我查一下"),
            ("customer", "嗯"),
            ("agent", "是中低风险"),
            ("customer", "好"),
            ("agent", "过往业绩不代表未来表现"),
        ],
        0,
        id="third-agent-turn-is-in-time",
    ),
    pytest.param(
        [
            ("customer", "这个安全吗"),
            ("agent", "卖得很好"),
            ("customer", "哦"),
            ("agent", "很多人买"),
            ("customer", "嗯"),
            ("agent", "收益不错"),
            ("customer", "好"),
            ("agent", "投资需谨慎"),
        ],
        1,
        id="fourth-agent-turn-is-too-late",
    ),
    pytest.param(
        [("agent", "理财非存款"), ("customer", "这个会不会亏钱啊"), ("agent", "放心")],
        1,
        id="disclosure-before-the-question-does-not-count",
    ),
    pytest.param(
        [("customer", "会不会亏啊"), ("customer", "会不会亏啊"), ("agent", "放心")],
        1,
        id="asked-twice-one-finding",
    ),
    pytest.param([("customer", "我想查账单"), ("agent", "好的")], 0, id="no-anchor"),
    pytest.param([("agent", "会不会亏钱啊"), ("agent", "放心")], 0, id="anchor-is-the-customers"),
    # principal and payback questions (issue 15, fifth and sixth sets)
    pytest.param(
        [("customer", "这个年金险本金有保障吗"), ("agent", "很多老客户都在买")],
        1,
        id="principal-有保障吗",
    ),
    pytest.param(
        [("customer", "放你们这个理财里不会少吧"), ("agent", "不会的 我们是大平台")],
        1,
        id="principal-indirect-不会少吧",
    ),
    pytest.param(
        [("customer", "到期能拿回多少 会不会比我投的少"), ("agent", "一般有百分之四")],
        1,
        id="principal-比我投的少",
    ),
    pytest.param(
        [("customer", "本金会缩水吗"), ("agent", "不保本的 净值会波动")],
        0,
        id="principal-disclosed",
    ),
    pytest.param([("customer", "这基金会不会蚀本的啦"), ("agent", "放心")], 1, id="dialect-蚀本"),
    pytest.param([("customer", "这个fund会不会loss"), ("agent", "OK的")], 1, id="english-loss"),
    pytest.param(
        [("customer", "会不会跟那些平台一样爆雷"), ("agent", "我们是正规银行")], 1, id="爆雷"
    ),
    pytest.param(
        [("customer", "收益凭证跟存款比哪个安全"), ("agent", "利率比存款高")],
        1,
        id="compared-with-a-deposit",
    ),
    pytest.param(
        [("customer", "app里那个零钱理财稳不稳"), ("agent", "挺稳的")], 1, id="app-product"
    ),
    # not an investment: a deposit, a loan, an app's login, a refund, clothes, a housing fund
    pytest.param(
        [("customer", "定期存款放你们这安全吗"), ("agent", "受存款保险保护")], 0, id="deposit"
    ),
    pytest.param(
        [("customer", "这个消费贷有没有风险"), ("agent", "按时还就行")], 0, id="loan-risk"
    ),
    pytest.param([("customer", "你们app登录安全吗"), ("agent", "有双重验证")], 0, id="app-login"),
    pytest.param([("customer", "押金到期能拿回来吗"), ("agent", "能的")], 0, id="deposit-refund"),
    pytest.param([("customer", "衣服洗了会不会缩水"), ("agent", "纯棉的")], 0, id="clothes-shrink"),
    pytest.param([("customer", "我的公积金会不会少"), ("agent", "不会")], 0, id="housing-fund"),
    pytest.param(
        [("customer", "亏的可能性大吗"), ("agent", "我们的产品口碑很好")], 1, id="loss-chance"
    ),
    pytest.param([("customer", "分红有没有保障"), ("agent", "每年都有")], 1, id="dividend-保障"),
    pytest.param(
        [("customer", "这个收益稳定吗"), ("agent", "收益不确定 有亏损的可能")],
        0,
        id="return-stability-disclosed",
    ),
    pytest.param([("customer", "贷款利息固定吗"), ("agent", "固定利率")], 0, id="loan-rate-fixed"),
]


@pytest.mark.parametrize("turns,n_missing", WINDOWS)
def test_response_window_rules(turns, n_missing):
    findings = [
        f for f in findings_of(turns, ("rules",)) if f.category == "script.response_missing"
    ]
    assert len(findings) == n_missing, findings
    for finding in findings:
        assert finding.role == "agent" and finding.severity == "major"
        assert finding.details["anchor"]["role"] == "customer"
        assert finding.start_s <= finding.details["anchor"]["start_s"] < finding.end_s
        assert finding.root_cause == "compliance_risk.risk_disclosure"


def test_window_in_seconds(tmp_path):
    rules = (
        "wait.ack  custom.ack_missing  minor  when=customer:我要退货  require=agent:好的  "
        "within=5s  cause=service.acknowledgement\n"
    )
    folder = site_lexicons(tmp_path, rules=rules)
    quick = [("customer", "我要退货"), ("agent", "好的")]
    # transcript_of leaves 0.6 s between turns; a turn of 20 characters lasts 5 s
    slow = [("customer", "我要退货"), ("agent", "嗯" * 24), ("agent", "好的")]
    assert rule_ids(quick, ("rules",), folder) == []
    assert rule_ids(slow, ("rules",), folder) == [("custom.ack_missing", "wait.ack")]


ORDER = [
    pytest.param(
        [("agent", "先做个风险测评"), ("agent", "我给您推荐这款理财")], 0, id="assessed-first"
    ),
    pytest.param(
        [("agent", "我给您推荐这款理财"), ("agent", "先做个风险测评")], 1, id="recommended-first"
    ),
    pytest.param([("agent", "我给您推荐这款理财")], 1, id="never-assessed"),
    pytest.param([("agent", "您好")], 0, id="nothing-recommended"),
]


@pytest.mark.parametrize("turns,n", ORDER)
def test_forbidden_before_rules(turns, n):
    findings = findings_of(turns, ("rules",))
    assert [f.rule_id for f in findings] == ["suitability.before_assessment"] * n
    for finding in findings:
        assert finding.category == "phrase.forbidden"
        assert "推荐" in finding.details["said"]["heard"]


def test_a_custom_category_is_found_scored_and_explained(tmp_path):
    rules = (
        "competitor.mention  custom.competitor  minor  match=agent:[某某银行|某某保险]…[更好|便宜]  "
        "cause=sales.competitor_mention\n"
    )
    folder = site_lexicons(tmp_path, rules=rules)
    scorecard = (LEXICONS / "scorecard.toml").read_text(encoding="utf-8") + (
        '\n[[item]]\nid = "competitor"\ngroup = "营销"\nname = "提及竞品"\n'
        'categories = ["custom.competitor"]\ndeduction = 4\ncap = 4\n'
    )
    (folder / "scorecard.toml").write_text(scorecard, encoding="utf-8")
    (finding,) = findings_of([("agent", "某某银行的其实更好")], ("rules",), folder)
    assert (finding.category, finding.root_cause) == (
        "custom.competitor",
        "sales.competitor_mention",
    )
    score = score_call([finding], load_scorecard(str(folder)))
    assert score.score == 96
    assert dict(explain(finding))["lexicon"] == "rules.txt:1"


BAD_RULES = [
    pytest.param(
        "disclosure.x  script.response_missing  major  when=customer:亏",
        "needs require=",
        id="no-require",
    ),
    pytest.param(
        "disclosure.x  script.response_missing  major  when=customer:亏  require=agent:风险  within=soon",
        "within= takes turns or utterances and/or seconds",
        id="bad-within",
    ),
    pytest.param(
        "disclosure.x  phrase.overpromise  major  when=customer:亏  require=agent:风险  within=3turns",
        "a when= rule reports script.response_missing",
        id="wrong-category-for-kind",
    ),
    pytest.param(
        "x.y  custom.thing  minor  match=agent:竞品", "has no root cause", id="custom-without-cause"
    ),
    pytest.param(
        "x.y  custom.Thing  minor  match=agent:竞品  cause=a.b",
        "custom.<name>",
        id="bad-custom-name",
    ),
    pytest.param(
        "x.y  custom.t  minor  match=boss:竞品  cause=a.b", "ROLE agent or customer", id="bad-role"
    ),
    pytest.param(
        "x.y  custom.t  minor  match=agent:竞品  colour=red  cause=a.b",
        "not an option",
        id="unknown-option",
    ),
    pytest.param(
        "x.y  custom.t  minor  match=agent:竞品  before=agent:x  cause=a.b",
        "before= does not go with match=",
        id="option-of-other-kind",
    ),
    pytest.param(
        "x.y  custom.t  minor  match=agent:竞品  forbid=agent:x  cause=a.b",
        "exactly one of",
        id="two-kinds",
    ),
    pytest.param(
        "X  custom.t  minor  match=agent:竞品  cause=a.b", "rule id 'X' must be dotted", id="bad-id"
    ),
    pytest.param(
        "x.y  custom.t  huge  match=agent:竞品  cause=a.b", "unknown severity", id="bad-severity"
    ),
    pytest.param(
        "x.y  custom.t  minor  match=agent:竞[品  cause=a.b",
        "choice must be closed",
        id="bad-pattern",
    ),
    pytest.param("x.y  custom.t", "a rule is `rule_id category severity", id="too-short"),
]


@pytest.mark.parametrize("line,message", BAD_RULES)
def test_malformed_rule_names_file_line_and_reason(tmp_path, line, message):
    folder = site_lexicons(tmp_path, rules=f"# a site's rules\n\n{line}\n")
    load_file_rules.cache_clear()
    with pytest.raises(LexiconError) as error:
        load_file_rules(str(folder))
    assert f"{folder / 'rules.txt'}:3: " in str(error.value)
    assert message in str(error.value)


def test_duplicate_rule_id_is_refused(tmp_path):
    line = "x.y  custom.t  minor  match=agent:竞品  cause=a.b\n"
    folder = site_lexicons(tmp_path, rules=line + line)
    with pytest.raises(
        LexiconError, match=r"rules.txt:2: rule id x.y is already used at .*rules.txt:1"
    ):
        load_file_rules(str(folder))


def test_a_malformed_rule_stops_the_run_before_any_audio(tmp_path):
    from pipeline.detectors.registry import check_setup

    folder = site_lexicons(tmp_path, rules="x.y  custom.t  minor  match=agent:竞品\n")
    with pytest.raises(LexiconError, match=r"rules\.txt:1: rule x\.y has no root cause"):
        check_setup(("rules",), folder)


def test_detect_explain_names_rule_line_and_words(tmp_path):
    import subprocess
    import sys

    from pipeline.asr.transcript import write_transcript

    turns = [
        ("agent", "您好，很高兴为您服务"),
        ("customer", "这个会不会亏钱啊"),
        ("agent", "放心，稳赚不赔"),
        ("customer", "我要去消协投诉你们"),
        ("agent", "感谢来电，再见"),
    ]
    path = tmp_path / "call.json"
    write_transcript(transcript_of("explained", turns), path)
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "detect", "--explain", str(path)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "finding 1 of 3" in text and "finding 3 of 3" in text
    for expected in (
        "disclosure.risk",
        "rules.txt:",
        "heard '会不会亏钱'",
        "overpromise.principal_guarantee",
        "overpromise.txt:",
        "heard '稳赚不赔'",
        "same event  escalation.regulator [major]:",
        "heard '消协'",
        "root cause  customer_risk.",
    ):
        assert expected in text, expected
