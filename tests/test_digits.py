"""The digit view (pipeline.text.digits) and masking of spoken numbers (pipeline.text.masking)."""

from __future__ import annotations

import pytest

from pipeline.text.digits import (
    JOINER,
    SPEAKER_BREAK,
    digit_view,
    find_digit_runs,
    join_same_speaker,
)
from pipeline.text.masking import mask_numbers, mask_segment_texts
from pipeline.types import Segment

ID_VALID = "360426199101010071"
ID_VALID_X = "44011320141005001X"


def run_digits(text: str, min_digits: int = 1) -> list[str]:
    return [run.digits for run in find_digit_runs(text, min_digits)]


# --- spoken forms -> digits -----------------------------------------------------------------

SPOKEN_FORMS = [
    ("Arabic", "手机13812345678", ["13812345678"]),
    ("Chinese numerals", "一三八一二三四五六七八", ["13812345678"]),
    ("幺 for one, 两 for two, 洞 for zero", "幺三八幺两洞四五六七八", ["13812045678"]),
    ("拐 for seven, 勾 for nine", "幺三拐勾", ["1379"]),
    ("financial forms", "壹贰叁肆伍陆柒捌玖零", ["1234567890"]),
    ("Traditional forms", "兩陸貳叄", ["2623"]),
    ("full-width", "１３８１２３４５６７８", ["13812345678"]),
    ("〇 for zero", "二〇〇八", ["2008"]),
    ("mixed Arabic and spoken", "138一二三四5678", ["13812345678"]),
    ("spaces between groups", "一三八 一二三四 五六七八", ["13812345678"]),
    ("commas and 、 between groups", "一三八，一二三四、五六七八", ["13812345678"]),
    ("dashes between groups", "6222-0212-3456-7894", ["6222021234567894"]),
    ("full stop at a pause", "一三八。一二三四。五六七八", ["13812345678"]),
    ("filler sounds at a pause", "一三八，嗯，一二三四 呃 五六七八", ["13812345678"]),
    ("ellipsis at a pause", "一三八……一二三四五六七八", ["13812345678"]),
]


@pytest.mark.parametrize(
    "label,text,expected", SPOKEN_FORMS, ids=[case[0] for case in SPOKEN_FORMS]
)
def test_spoken_forms_become_digits(label, text, expected):
    assert run_digits(text) == expected


CHECK_CHARACTERS = [
    ("X", ID_VALID_X[:17] + "X"),
    ("lower-case x", ID_VALID_X[:17] + "x"),
    ("full-width Ｘ", ID_VALID_X[:17] + "Ｘ"),
    ("叉", ID_VALID_X[:17] + "叉"),
    ("艾克斯", ID_VALID_X[:17] + "艾克斯"),
    ("爱克斯 (homophone)", ID_VALID_X[:17] + "爱克斯"),
    ("after a pause", ID_VALID_X[:17] + "，叉"),
    ("spoken digits then 叉", "四四零幺幺三两洞幺四幺洞洞五洞洞幺叉"),
]


@pytest.mark.parametrize("label,text", CHECK_CHARACTERS, ids=[case[0] for case in CHECK_CHARACTERS])
def test_id_check_character_after_17_digits(label, text):
    (run,) = find_digit_runs(text)
    assert run.digits == ID_VALID_X
    assert run.end == len(text)  # the check character's words belong to the run


def test_check_character_only_counts_after_17_digits():
    # X after a mobile number is not part of it (no other number has a check character).
    assert run_digits("13812345678x") == ["13812345678"]
    assert run_digits("一三八一二三四五六七八叉") == ["13812345678"]
    # Within a run of two numbers the X belongs to the ID at its end.
    (run,) = find_digit_runs(f"13812345678，{ID_VALID_X[:17]}X")
    assert run.digits == "13812345678" + ID_VALID_X


# --- amounts, dates, times and words are not digit strings --------------------------------

NOT_DIGIT_STRINGS = [
    ("amount in counting words", "一共一万两千三百四十五块"),
    ("hundreds of yuan", "三百块"),
    ("count with 两", "两个"),
    ("colloquial 一万二", "一万二"),
    ("date in words", "二零二四年十月五号"),
    ("Arabic date", "2024年10月5日"),
    ("time", "下午三点十五分"),
    ("decimal", "三点五"),
    ("ordinal", "第三"),
    ("weekday", "星期三"),
    ("percentage", "百分之五"),
    ("Arabic amount", "2000元"),
    ("yuan sign", "￥2000"),
    ("instalments", "分12期"),
    ("一 in words", "您稍等一下，我一定帮您看一看"),
]


@pytest.mark.parametrize(
    "label,text", NOT_DIGIT_STRINGS, ids=[case[0] for case in NOT_DIGIT_STRINGS]
)
def test_amounts_and_words_are_not_digit_runs(label, text):
    assert run_digits(text, min_digits=2) == []


AMOUNTS_NEXT_TO_NUMBERS = [
    ("amount before, separated by a comma", "一万二，一三八一二三四五六七八", ["13812345678"]),
    ("count after, separated by a comma", "一三八一二三四五六七八，两个", ["13812345678"]),
    ("amount after", "一三八一二三四五六七八，三百块", ["13812345678"]),
    ("date before", "十月五号，一三八一二三四五六七八", ["13812345678"]),
    ("一下 right after the number", "一三八一二三四五六七八一下", ["13812345678"]),
    ("ordinal before", "第三，一三八一二三四五六七八", ["13812345678"]),
    ("order number and amount", "订单12345678，金额2000元", ["12345678"]),
]


@pytest.mark.parametrize(
    "label,text,expected",
    AMOUNTS_NEXT_TO_NUMBERS,
    ids=[case[0] for case in AMOUNTS_NEXT_TO_NUMBERS],
)
def test_amounts_do_not_lengthen_numbers(label, text, expected):
    assert run_digits(text, min_digits=7) == expected


def test_a_long_run_before_a_measure_word_is_still_a_number():
    # 二十五块 is an amount; twelve digits before 块 are a number someone read out (and masked).
    assert run_digits("卡号6222021234567894块") == ["6222021234567894"]


def test_run_keeps_groups_and_source_offsets():
    text = "号码幺三八 一二三四，五六七八。"
    (run,) = find_digit_runs(text)
    assert run.groups == ((2, 5), (6, 10), (11, 15))
    assert [text[s:e] for s, e in run.digit_spans()] == list("幺三八一二三四五六七八")
    assert (run.start, run.end) == (2, 15)
    second = run.part(1, 2)
    assert second.digits == "12345678" and second.start == 6


def test_min_digits_filters_short_runs():
    assert run_digits("验证码123456，手机13812345678", min_digits=11) == ["13812345678"]


# --- the view with its offset map --------------------------------------------------------------


def test_digit_view_maps_back_to_source_words():
    text = "手机幺三八 一二三四，五六七八好吗"
    view = digit_view(text)
    assert view.text == "手机13812345678好吗"
    start = view.text.index("13812345678")
    assert view.source_span(start, start + 11) == (2, 15)
    assert text[slice(*view.source_span(start, start + 3))] == "幺三八"
    assert text[slice(*view.source_span(len(view.text) - 2, len(view.text)))] == "好吗"


def test_digit_view_check_character_spans_its_words():
    text = f"证件{ID_VALID_X[:17]}艾克斯。"
    view = digit_view(text)
    assert view.text == f"证件{ID_VALID_X}。"
    x_at = view.text.index("X")
    assert view.source_span(x_at, x_at + 1) == (19, 22)


def test_digit_view_leaves_amounts_and_normalises_width():
    view = digit_view("一共三百块，ＯＫ，电话幺二三幺五")
    assert view.text == "一共三百块,OK,电话12315"


# --- numbers spread over segments of one speaker ------------------------------------------------


def seg(start, end, role, text, speaker=None):
    return Segment(
        start, end, speaker or {"agent": "ch0", "customer": "ch1"}.get(role, "spk"), role, text
    )


def test_join_same_speaker_across_a_backchannel():
    segments = (
        seg(0.0, 1.5, "customer", "一三八"),
        seg(1.6, 1.9, "agent", "嗯"),
        seg(2.5, 4.0, "customer", "一二三四五六七八"),
        seg(9.0, 10.0, "customer", "对"),  # 5 s later: a new stretch
    )
    speech = join_same_speaker(segments)
    assert speech.text.split(SPEAKER_BREAK)[:3] == [
        "一三八" + JOINER + "一二三四五六七八",
        "嗯",
        "对",
    ]
    (run,) = find_digit_runs(speech.text, min_digits=7)
    assert run.digits == "13812345678"
    assert speech.segments_between(run.start, run.end) == [0, 2]
    assert speech.locate(run.end - 1) == (2, 7)


def test_segments_too_far_apart_are_not_joined():
    segments = (seg(0.0, 1.5, "customer", "一三八"), seg(6.0, 8.0, "customer", "一二三四五六七八"))
    assert run_digits(join_same_speaker(segments).text, min_digits=7) == ["12345678"]


def test_different_speakers_never_join():
    segments = (seg(0.0, 1.5, "agent", "一三八"), seg(1.6, 3.0, "customer", "一二三四五六七八"))
    assert run_digits(join_same_speaker(segments).text, min_digits=11) == []


# --- masking -----------------------------------------------------------------------------------

MASKING = [
    ("ID keeps 6+4", f"身份证{ID_VALID}", f"身份证{ID_VALID[:6]}********{ID_VALID[-4:]}"),
    ("ID with X keeps 6+4", f"{ID_VALID_X[:17]}X", f"{ID_VALID_X[:6]}********{ID_VALID_X[-4:]}"),
    (
        "spoken check character stays as the last digit",
        "四四零幺幺三二零幺四幺零零五零零幺艾克斯",
        "四四零幺幺三********零零幺艾克斯",
    ),
    ("card keeps 6+4", "6222 0212 3456 7894", "6222 02** **** 7894"),
    ("19-digit card keeps 6+4", "6228480012345678903", "622848*********8903"),
    ("mobile keeps 3+4", "13812345678", "138****5678"),
    ("spoken mobile keeps 3+4", "幺三八 幺两洞四，五六七八", "幺三八 ****，五六七八"),
    ("+86 mobile", "+86 138 1234 5678", "+86 1** **** 5678"),
    (
        "two numbers in one breath keep only the last 4",
        "13812345678，13912345678",
        "***********，*******5678",
    ),
    ("7-10 digits keep the last 2", "订单号12345678", "订单号******78"),
    ("short numbers stay", "订单尾号123456", "订单尾号123456"),
    ("a secret after its cue keeps nothing", "验证码123456", "验证码******"),
    ("amounts stay", "一万两千三百块，2000元", "一万两千三百块，2000元"),
    ("dates and times stay", "2024年10月5日下午3点", "2024年10月5日下午3点"),
]


@pytest.mark.parametrize("label,text,expected", MASKING, ids=[case[0] for case in MASKING])
def test_mask_numbers(label, text, expected):
    masked = mask_numbers(text)
    assert masked == expected
    assert len(masked) == len(text)


def test_mask_numbers_never_leaves_a_raw_number():
    for raw in (ID_VALID, ID_VALID_X, "6228480012345678903", "13812345678"):
        for text in (raw, f"号码是{raw}。", " ".join(raw), "，".join([raw[:6], raw[6:]])):
            masked_digits = "".join(ch for ch in mask_numbers(text) if ch.isdigit() or ch == "X")
            assert raw not in masked_digits
            assert len(masked_digits) <= 10


def test_mask_segment_texts_masks_numbers_split_over_segments():
    segments = (
        seg(0.0, 1.0, "agent", "请问您的手机号"),
        seg(1.5, 2.5, "customer", "一三八一二"),
        seg(2.6, 2.8, "agent", "嗯"),
        seg(3.0, 4.5, "customer", "三四五六七八"),
    )
    # Each piece alone is too short for mask_numbers; together they are a mobile.
    assert [mask_numbers(s.text) for s in segments] == [s.text for s in segments]
    masked = mask_segment_texts(segments)
    assert masked == ["请问您的手机号", "一三八**", "嗯", "**五六七八"]
    assert [len(m) for m in masked] == [len(s.text) for s in segments]
