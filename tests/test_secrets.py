"""Secrets read out in a call (issue 16): codes, passwords, PINs, CVVs and expiry dates keep no
digit in any stored or shown text, also in 幺/两/洞 forms and split over segments, and the
customer reading one is a pii.credential finding (critical when the agent asked for it)."""

from __future__ import annotations

import re

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.detectors.registry import call_context, run_detectors
from pipeline.text.lexicon import longest_word_pattern
from pipeline.text.masking import mask_numbers, mask_segment_texts
from pipeline.text.secrets import _cue_spans, load_secret_cues
from pipeline.types import Segment

LEXICONS = PROJECT_ROOT / "lexicons"

# One text alone: (text, what it must become)
ONE_TEXT = [
    pytest.param("验证码是幺二三四五六", "验证码是******", id="sms-code-spoken"),
    pytest.param("验证码是 123 456", "验证码是 *** ***", id="sms-code-arabic-in-groups"),
    pytest.param("我的密码是八八六六九九", "我的密码是******", id="password"),
    pytest.param("CVV是三二一", "CVV是***", id="cvv"),
    pytest.param("CVV2三二一", "CVV2***", id="cvv2-its-2-is-no-digit"),
    pytest.param("安全码 321", "安全码 ***", id="security-code"),
    pytest.param("有效期零九二八", "有效期****", id="expiry"),
    pytest.param("动态码两洞幺九", "动态码****", id="两-洞-幺-forms"),
    pytest.param("PIN是四四五六", "PIN是****", id="pin"),
    pytest.param("密码是一二三四五六七八九", "密码是*********", id="long-secret-keeps-nothing"),
    # not secrets
    pytest.param(
        "验证码收到了吗？三百块已经退了", "验证码收到了吗？三百块已经退了", id="amount-after"
    ),
    pytest.param("有效期到二零二八年九月", "有效期到二零二八年九月", id="year-is-a-date"),
    pytest.param("您的卡号尾号是五六七八吗", "您的卡号尾号是五六七八吗", id="no-cue"),
    pytest.param("我家门牌号三零二", "我家门牌号三零二", id="house-number"),
    pytest.param(
        "验证码一会儿发给您，您先等着，我这边看一下订单，订单尾号三六九",
        "验证码一会儿发给您，您先等着，我这边看一下订单，订单尾号三六九",
        id="cue-too-far-before",
    ),
]


@pytest.mark.parametrize("text,masked", ONE_TEXT)
def test_secrets_in_one_text(text, masked):
    assert mask_numbers(text) == masked


def said(role, text, start, end):
    return Segment(start, end, "ch0" if role == "agent" else "ch1", role, text)


# A call: (segments, their masked texts)
CALLS = [
    pytest.param(
        [said("customer", "验证码是幺二三", 0, 2), said("customer", "四五六", 2.3, 3)],
        ["验证码是***", "***"],
        id="split-over-segments",
    ),
    pytest.param(
        [said("agent", "麻烦把短信里的数字报给我", 0, 2), said("customer", "幺二三四五六", 2.5, 4)],
        ["麻烦把短信里的数字报给我", "******"],
        id="asked-then-read-without-cue",
    ),
    pytest.param(
        [said("agent", "请问验证码收到了吗", 0, 2), said("customer", "嗯九五二七", 3, 4)],
        ["请问验证码收到了吗", "嗯****"],
        id="asked-with-a-cue-word",
    ),
    pytest.param(
        [said("agent", "麻烦把短信里的数字报给我", 0, 2), said("customer", "幺二三四五六", 40, 42)],
        ["麻烦把短信里的数字报给我", "幺二三四五六"],
        id="too-long-after-the-asking",
    ),
    pytest.param(
        [said("agent", "请把收到的数字报给我", 0, 2), said("customer", "三八九九四五二一一", 3, 5)],
        ["请把收到的数字报给我", "*********"],
        id="asked-code-heard-with-a-digit-too-many-keeps-none",
    ),
    pytest.param(
        [
            said("agent", "请把收到的数字报给我", 0, 2),
            said("customer", "零二八五五六六七七八", 3, 5),
        ],
        ["请把收到的数字报给我", "**********"],
        id="asked-ten-digits-keep-none",
    ),
    pytest.param(
        [
            said("agent", "请不要把验证码告诉任何人", 0, 2),
            said("customer", "好的我的手机号是幺三八幺二三四五六七八", 3, 6),
        ],
        ["请不要把验证码告诉任何人", "好的我的手机号是幺三八****五六七八"],
        id="a-phone-number-after-a-warning-is-a-phone-number",
    ),
    pytest.param(
        [said("customer", "麻烦把短信里的数字报给我", 0, 2), said("agent", "幺二三四五六", 2.5, 4)],
        ["麻烦把短信里的数字报给我", "幺二三四五六"],
        id="only-the-agent-asks",
    ),
]


@pytest.mark.parametrize("segments,masked", CALLS)
def test_secrets_in_a_call(segments, masked):
    assert mask_segment_texts(segments) == masked


def findings(segments):
    from pipeline.types import AudioInfo, Transcript

    transcript = Transcript(
        "call-s", tuple(segments), AudioInfo("x.wav", "0" * 64, 60.0, 8000, 2), "t"
    )
    return run_detectors(call_context(transcript, LEXICONS, "t"), ("pii", "credential_request"))


def test_a_secret_read_when_asked_is_a_critical_finding_without_digits():
    found = findings(
        [
            said("agent", "麻烦把刚才短信里的六位数字报给我", 0, 2),
            said("customer", "幺二三四五六", 2.5, 4),
        ]
    )
    by_category = {f.category: f for f in found}
    assert set(by_category) == {"pii.credential", "phrase.credential_request"}
    secret = by_category["pii.credential"]
    assert (secret.rule_id, secret.severity, secret.role) == (
        "pii.credential.customer_asked",
        "critical",
        "customer",
    )
    assert secret.root_cause == "compliance_risk.credential_request"
    assert not any(ch in secret.evidence for ch in "一二三四五六幺123456")
    assert secret.details["digit_count"] == 6 and secret.details["asked"] is True


def test_a_secret_read_unasked_is_major():
    (secret,) = [
        f
        for f in findings([said("customer", "我的密码是八八六六九九", 0, 2)])
        if f.category == "pii.credential"
    ]
    assert (secret.rule_id, secret.severity) == ("pii.credential.customer_unasked", "major")
    assert secret.details["cue"] == "密码"


def test_a_site_may_add_cues(tmp_path):
    import shutil

    folder = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, folder)
    with open(folder / "secret_cues.txt", "a", encoding="utf-8") as cues:
        cues.write("cue     取件码\n")
    segments = [said("customer", "取件码是四四八二", 0, 2)]
    assert mask_segment_texts(segments) == ["取件码是四四八二"]
    assert mask_segment_texts(segments, secret_cues=load_secret_cues(str(folder))) == [
        "取件码是****"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "请把卡背面的三位数告诉我",
        "背面三位是三二一",
        "短信验证码和短信码",
        "CVV2、CVN和cvv",
        "收到的数字六位数字",
    ],
)
def test_cue_words_found_once_are_those_of_the_cue_search(text):
    """The cue spans taken from the one search for cue and ask words (lexicon.longest_word_pattern)
    are those the cue words' own longest-first alternation finds."""
    cues = load_secret_cues(str(LEXICONS))
    words = sorted(cues.cue_words, key=len, reverse=True)
    alternation = re.compile("|".join(re.escape(word) for word in words))
    expected = [match.span() for match in alternation.finditer(text)]
    assert [m.span() for m in longest_word_pattern(words).finditer(text)] == expected
    assert _cue_spans(text, cues, list(cues.ask.finditer(text))) == expected
