"""PII detector (pii.id_card, pii.bank_card, pii.phone): recognizers, context, roles, masking."""

from __future__ import annotations

import json
import shutil

import pytest

from pipeline.config import PROJECT_ROOT, load_config
from pipeline.detectors import pii, pii_recognizers
from pipeline.detectors.registry import call_context, detector
from pipeline.errors import LexiconError
from pipeline.options import DetectorOptions
from pipeline.types import AudioInfo, Segment, Transcript, Word

LEXICONS = PROJECT_ROOT / "lexicons"

# Test vectors (issue 3). Valid: province, birth date and MOD 11-2 check digit all hold.
ID_VALID = "360426199101010071"
ID_VALID_X = "44011320141005001X"
ID_BAD_CHECKSUM = "36042619910102009X"
ID_BAD_DATE = "360426199113010079"
ID_LEGACY = "360426910101007"  # 15 digits: 1991-01-01
CARD_LUHN_16 = "6222021234567894"
CARD_LUHN_18 = "621700123456789011"
CARD_LUHN_19 = "6228480012345678903"
CARD_VISA = "4111111111111111"
CARD_UNIONPAY_NO_LUHN = "6228480012345678901"
MOBILE = "13812345678"
# Spoken as a caller would: 幺 for one, 两 for two, 洞 for zero.
SPOKEN = str.maketrans("0123456789", "洞幺两三四五六七八九")


def spoken(number: str) -> str:
    return number.translate(SPOKEN).replace("X", "叉")


# --- recognizers: valid / weak / invalid ------------------------------------------------------

RECOGNIZER_CASES = [
    # (group, digits, entity or None, base score)
    ("valid", ID_VALID, "id_card", 0.85),
    ("valid", ID_VALID_X, "id_card", 0.85),
    ("valid", CARD_LUHN_16, "bank_card", 0.6),
    ("valid", CARD_LUHN_18, "bank_card", 0.6),
    ("valid", CARD_LUHN_19, "bank_card", 0.6),
    ("valid", CARD_VISA, "bank_card", 0.6),
    ("valid", MOBILE, "phone", 0.65),
    ("valid", "86" + MOBILE, "phone", 0.65),
    ("valid", "19912345678", "phone", 0.65),
    ("weak", ID_LEGACY, "id_card", 0.45),
    ("weak", CARD_UNIONPAY_NO_LUHN, "bank_card", 0.3),
    ("weak", "14012345678", "phone", 0.3),  # 140 is a data-only prefix
    ("invalid", ID_BAD_CHECKSUM, None, 0),
    ("invalid", ID_BAD_DATE, None, 0),
    ("invalid", "990426199101010071", None, 0),  # 99 is no province
    ("invalid", "360426209901010079", None, 0),  # born in 2099
    ("invalid", "360426911301007", None, 0),  # legacy, month 13
    ("invalid", "4111111111111112", None, 0),  # not Luhn, not UnionPay
    ("invalid", "12812345678", None, 0),  # mobiles start 13–19
    ("invalid", "1381234567", None, 0),  # 10 digits
    ("invalid", "62284800123456789031", None, 0),  # 20 digits
]


@pytest.mark.parametrize(
    "group,digits,entity,base_score",
    RECOGNIZER_CASES,
    ids=[f"{c[0]}-{c[1]}" for c in RECOGNIZER_CASES],
)
def test_recognizers(group, digits, entity, base_score):
    found = pii.recognize(digits, context=None)
    if entity is None:
        assert found is None
    else:
        recognition, score = found
        assert (recognition.entity, score) == (entity, base_score)
        assert (score >= pii.REPORT_THRESHOLD) == (group == "valid")


def test_id_check_character_and_luhn():
    assert pii_recognizers.id_check_char(ID_VALID[:17]) == "1"
    assert pii_recognizers.id_check_char(ID_VALID_X[:17]) == "X"
    assert pii_recognizers.id_check_char(ID_BAD_CHECKSUM[:17]) != "X"
    assert pii_recognizers.luhn_valid(CARD_LUHN_19) and not pii_recognizers.luhn_valid(
        CARD_UNIONPAY_NO_LUHN
    )


def test_context_words_raise_lower_and_disambiguate():
    words = pii.load_context_words(str(LEXICONS))
    assert words.nearest("请问您的身份证号码是多少", "").word == "身份证号码"
    assert words.nearest("手机号是13812345678，订单号是", "").word == "订单号"  # the nearest counts
    assert words.nearest("", "是我的卡号").word == "卡号"  # said after the number
    assert words.nearest("我的会员卡号", "").effect == "lower"  # longer word wins over 卡号
    assert words.nearest("身份證號碼", "").word == "身份证号码"  # Traditional forms
    assert words.nearest("您好", "谢谢") is None
    card_word, id_word, order_word = (words.by_text[w] for w in ("卡号", "身份证", "订单号"))
    assert pii.recognize(CARD_UNIONPAY_NO_LUHN, card_word)[1] >= pii.REPORT_THRESHOLD
    assert pii.recognize(ID_LEGACY, id_word)[1] >= pii.REPORT_THRESHOLD
    assert pii.recognize(ID_VALID, order_word)[1] < pii.REPORT_THRESHOLD
    # 18 digits that pass both ID checks and Luhn: the context word decides what they are.
    both = "110101199003070054"
    assert pii_recognizers.luhn_valid(both) and pii_recognizers.recognize_id_card(both)
    assert pii.recognize(both, card_word)[0].entity == "bank_card"
    assert pii.recognize(both, id_word)[0].entity == "id_card"


# --- whole calls -------------------------------------------------------------------------------


def seg(start, end, role, text, words=()):
    speaker = {"agent": "ch0", "customer": "ch1"}.get(role, "spk0")
    return Segment(start, end, speaker, role, text, tuple(Word(*w) for w in words))


def detect(*segments):
    transcript = Transcript(
        "call-1", tuple(segments), AudioInfo("call-1.wav", "", 60.0, 8000, 2), "test"
    )
    return pii.detect(call_context(transcript, LEXICONS, "test-rules"))


def summary(findings):
    return [(f.category, f.role, f.severity, f.details["read_back"]) for f in findings]


ASK_ID = seg(0.0, 2.0, "agent", "请问您的身份证号码是多少")
ASK_PHONE = seg(0.0, 2.0, "agent", "请问您的手机号是多少")
ASK_CARD = seg(0.0, 2.0, "agent", "麻烦您报一下银行卡号")

CALLS = [
    # --- valid: reported
    (
        "customer gives an ID",
        [ASK_ID, seg(3, 8, "customer", f"是{ID_VALID}")],
        [("pii.id_card", "customer", "info", False)],
    ),
    (
        "ID with spoken 叉",
        [ASK_ID, seg(3, 8, "customer", spoken(ID_VALID_X))],
        [("pii.id_card", "customer", "info", False)],
    ),
    (
        "ID split over segments, agent backchannel between",
        [
            ASK_ID,
            seg(3, 6, "customer", spoken(ID_VALID[:9])),
            seg(6.1, 6.4, "agent", "嗯"),
            seg(7, 9, "customer", spoken(ID_VALID[9:])),
        ],
        [("pii.id_card", "customer", "info", False)],
    ),
    (
        "mobile read with 幺 and pauses",
        [ASK_PHONE, seg(3, 6, "customer", "幺三八，幺两三四，五六七八")],
        [("pii.phone", "customer", "info", False)],
    ),
    (
        "mobile without any context word",
        [seg(0, 3, "customer", "你记一下幺三八幺两三四五六七八")],
        [("pii.phone", "customer", "info", False)],
    ),
    (
        "19-digit card in groups of four",
        [ASK_CARD, seg(3, 9, "customer", "6228 4800 1234 5678 903")],
        [("pii.bank_card", "customer", "info", False)],
    ),
    (
        "UnionPay without Luhn next to 卡号",
        [seg(0, 4, "customer", f"我的储蓄卡卡号是{spoken(CARD_UNIONPAY_NO_LUHN)}")],
        [("pii.bank_card", "customer", "info", False)],
    ),
    (
        "Traditional transcript",
        [seg(0, 4, "customer", "身份證號碼是三陸零四二陸一九九一零一零一零零七一")],
        [("pii.id_card", "customer", "info", False)],
    ),
    (
        "two mobiles in one breath",
        [ASK_PHONE, seg(3, 8, "customer", "13812345678，还有一个13912345678")],
        [("pii.phone", "customer", "info", False)] * 2,
    ),
    (
        "mobile among amounts and order numbers",
        [
            seg(
                0,
                6,
                "customer",
                "订单号12345678901234，一共一万两千三百块，手机一三八一二三四五六七八，两个都要",
            )
        ],
        [("pii.phone", "customer", "info", False)],
    ),
    # --- roles and read-back
    (
        "agent reads the customer's mobile back",
        [
            ASK_PHONE,
            seg(3, 6, "customer", "一三八一二三四五六七八"),
            seg(7, 10, "agent", "好的，幺三八幺两三四五六七八，对吗"),
        ],
        [("pii.phone", "customer", "info", True), ("pii.phone", "agent", "critical", True)],
    ),
    (
        "agent reads the customer's ID back in other forms",
        [
            ASK_ID,
            seg(3, 8, "customer", ID_VALID),
            seg(9, 14, "agent", f"跟您核对一下，{spoken(ID_VALID)}"),
        ],
        [("pii.id_card", "customer", "info", True), ("pii.id_card", "agent", "critical", True)],
    ),
    (
        "agent discloses a number the customer never gave",
        [seg(0, 4, "agent", f"您登记的身份证号是{ID_VALID}")],
        [("pii.id_card", "agent", "major", False)],
    ),
    (
        "agent confirms only the tail",
        [
            ASK_CARD,
            seg(3, 8, "customer", CARD_LUHN_19),
            seg(9, 11, "agent", "尾号八九零三的卡，对吧"),
        ],
        [("pii.bank_card", "customer", "info", False)],
    ),
    (
        "speaker unknown",
        [seg(0, 4, "unknown", f"手机号{MOBILE}")],
        [("pii.phone", "both", "minor", False)],
    ),
    (
        "a weak mention of a reported number is the same number",
        [
            seg(0, 4, "customer", f"卡号是{CARD_UNIONPAY_NO_LUHN}"),
            seg(20, 24, "agent", f"{CARD_UNIONPAY_NO_LUHN}是吧"),
        ],
        [("pii.bank_card", "customer", "info", True), ("pii.bank_card", "agent", "critical", True)],
    ),
    # --- weak without context / invalid: not reported
    ("UnionPay without Luhn, no context", [seg(0, 4, "customer", CARD_UNIONPAY_NO_LUHN)], []),
    ("legacy ID without context", [seg(0, 4, "customer", ID_LEGACY)], []),
    ("ID with a bad checksum", [ASK_ID, seg(3, 8, "customer", ID_BAD_CHECKSUM)], []),
    ("ID with a bad date", [ASK_ID, seg(3, 8, "customer", spoken(ID_BAD_DATE))], []),
    # A misheard ID digit that happens to make a Luhn-valid 18-digit string is not a bank card.
    ("misheard ID after 身份证", [ASK_ID, seg(3, 8, "customer", "360426199101010001")], []),
    ("order number", [seg(0, 4, "customer", f"订单号是{CARD_LUHN_19}")], []),
    (
        "order number asked by the agent",
        [seg(0, 2, "agent", "您的订单编号是多少"), seg(3, 6, "customer", CARD_LUHN_18)],
        [],
    ),
    ("staff number", [seg(0, 3, "agent", f"我的工号是{MOBILE}")], []),
    ("verification code", [seg(0, 3, "customer", "验证码是幺二三四五六")], []),
    (
        "amounts in counting words",
        [seg(0, 3, "customer", "一共一万两千三百四十五块，分十二期，两个")],
        [],
    ),
    (
        "dates and times",
        [seg(0, 3, "customer", "二零二四年十月五号下午三点十五分，2024-10-05 13:45")],
        [],
    ),
    (
        "pieces too far apart",
        [seg(0, 2, "customer", "一三八"), seg(10, 12, "customer", "一二三四五六七八")],
        [],
    ),
]


@pytest.mark.parametrize("label,segments,expected", CALLS, ids=[case[0] for case in CALLS])
def test_calls(label, segments, expected):
    # Numbers only: a code after 验证码 is a secret, pii.credential (tests/test_secrets.py).
    findings = [f for f in detect(*segments) if f.category != "pii.credential"]
    assert summary(findings) == expected
    for finding in findings:
        assert finding.details["role"] in ("agent", "customer", "unknown")
        assert finding.rule_id.startswith(finding.category + ".")
        assert finding.root_cause == "privacy.pii_exposure"
        assert finding.ruleset_version == "test-rules"


RAW_NUMBERS = [ID_VALID, ID_VALID_X, CARD_LUHN_19, CARD_UNIONPAY_NO_LUHN, MOBILE]


@pytest.mark.parametrize("raw", RAW_NUMBERS)
@pytest.mark.parametrize("form", ["arabic", "spoken", "split"])
def test_masking_never_leaves_the_raw_number(raw, form):
    said = {"arabic": raw, "spoken": spoken(raw), "split": raw[:7] + "，" + raw[7:]}[form]
    findings = detect(
        seg(0, 2, "agent", "请问您的证件号码或者卡号，手机号"),
        seg(3, 8, "customer", f"我的号码是{said}，您记一下"),
        seg(9, 14, "agent", f"好的，{said}，对吗"),
    )
    assert len(findings) == 2
    for finding in findings:
        stored = finding.evidence + json.dumps(finding.details, ensure_ascii=False)
        digits_left = "".join(
            ch for ch in finding.evidence if ch.isdigit() or ch in "洞幺两三四五六七八九X叉"
        )
        assert raw not in stored and said not in stored
        assert len(digits_left) <= 10  # at most 6 + 4
        keep_head = 3 if finding.category == "pii.phone" else 6
        assert (
            finding.details["masked_number"]
            == raw[:keep_head] + "*" * (len(raw) - keep_head - 4) + raw[-4:]
        )


def test_times_point_at_the_spoken_digits():
    words = [
        (0.0, 0.4, "我的"),
        (0.4, 1.0, "手机号"),
        (1.0, 1.2, "是"),
        (1.3, 2.0, "一三八"),
        (2.0, 3.0, "一二三四"),
    ]
    first = seg(0.0, 3.2, "customer", "我的手机号是一三八一二三四", words)
    second = seg(4.0, 5.5, "customer", "五六七八，对", [(4.1, 5.0, "五六七八"), (5.2, 5.4, "对")])
    (finding,) = detect(first, second)
    assert (finding.start_s, finding.end_s) == (1.3, 5.0)
    assert finding.details["segments"] == 2
    assert "【一三八****" in finding.evidence and "五六七八】" in finding.evidence


def test_details_name_speaker_context_and_checks():
    (finding,) = detect(ASK_ID, seg(3, 8, "customer", spoken(ID_VALID_X)))
    details = finding.details
    assert details["speaker"] == "ch1" and details["entity"] == "id_card"
    assert details["context_word"] == "身份证号码" and details["context_effect"] == "raise"
    assert details["checks"] == {"province": True, "birth_date": True, "check_digit": True}
    assert details["masked_number"] == "440113********001X"


# --- lexicon and wiring --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line,message",
    [
        ("卡号  bank_card", "expected 3 columns"),
        ("卡号  passport  raise", "unknown entity in 'passport'"),
        ("卡号  bank_card,,phone  raise", "unknown entity in 'bank_card,,phone'"),
        ("卡号  bank_card  boost", "unknown effect 'boost'"),
        ("身份证  id_card  raise", "already listed"),
    ],
)
def test_lexicon_errors_name_file_and_line(tmp_path, line, message):
    shutil.copy(LEXICONS / pii.LEXICON_FILE, tmp_path / pii.LEXICON_FILE)
    path = tmp_path / pii.LEXICON_FILE
    n_lines = len(path.read_text(encoding="utf-8").splitlines())
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    with pytest.raises(LexiconError) as error:
        pii.load_context_words(str(tmp_path))
    assert f"{path}:{n_lines + 1}:" in str(error.value) and message in str(error.value)


def test_registered_and_enabled_by_default():
    assert detector("pii") is pii.DETECTOR and pii.DETECTOR.detect is pii.detect
    assert "pii" in DetectorOptions().enabled
    assert "pii" in load_config().detectors.enabled


def test_five_minute_call_of_ordinary_talk():
    """A call of ordinary talk with amounts and counting words, an order number, and a mobile that
    the customer gives and the agent reads back: two findings, nothing from the rest. (How many
    such calls run per second is measured by bench/bench_detectors.py, not by a timed test.)
    """
    talk = [
        ("agent", "您好，很高兴为您服务，请问有什么可以帮您"),
        ("customer", "我上个月十五号买的东西一直没到，一共一万两千块"),
        ("agent", "好的，我这边帮您查询一下，请您稍等一下"),
        ("customer", "嗯好的，我已经等了两个星期了"),
        ("agent", "两个工作日内给您回复，还有其他问题吗"),
        ("customer", "没有了，谢谢，你们一定要尽快处理"),
    ]
    numbers = [
        ("customer", "订单号是12345678901234"),
        ("agent", "请问您的手机号码是多少"),
        ("customer", "幺三八幺两三四，五六七八"),
        ("agent", "好的，一三八一二三四五六七八，对吗"),
    ]
    segments, t, chars = [], 0.0, 0
    while chars < 1500:
        n = len(segments)
        role, text = numbers[n - 40] if 40 <= n < 44 else talk[n % len(talk)]
        segments.append(seg(t, t + 2.5, role, text))
        t, chars = t + 3.0, chars + len(text)
    transcript = Transcript("bench", tuple(segments), AudioInfo("b.wav", "", t, 8000, 2), "test")
    call = call_context(transcript, LEXICONS, "test-rules")
    findings = pii.detect(call)
    assert [(f.category, f.severity, f.role) for f in findings] == [
        ("pii.phone", "info", "customer"),
        ("pii.phone", "critical", "agent"),
    ]
