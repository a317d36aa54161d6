"""The digit view of spoken text: where numbers were read out digit by digit, and what they were.

Callers read numbers as digit strings (幺三八 一二三四 五六七八, 六二二二-零二一二…), ASR writes
them as Arabic, Chinese, Traditional or full-width digits with spaces, commas or pauses between
the pieces, and a number is often spread over several segments of the same speaker. This module
finds those digit runs and keeps, for every digit, the characters it came from, so that
evidence, masking and word times point at the words that were said.

Counting words are not digit strings: 一万两千, 三百块, 两个, 十月五号, 第三, 三点五 are amounts,
dates, times or ordinals. A group of digits that touches a unit (十百千万…) or a measure word
(块, 个, 年, 点 …) is left out of the runs, so it can neither become nor lengthen a card number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.text.joined import JoinedSegments
from pipeline.types import Segment

# Every spoken or written form of each digit (Simplified, Traditional, financial, radio-style
# 幺/洞/拐/勾 used to read numbers unambiguously, full-width).
DIGIT_FORMS = {
    "0": "0０零〇洞",
    "1": "1１一幺壹",
    "2": "2２二两贰兩貳",
    "3": "3３三叁叄",
    "4": "4４四肆",
    "5": "5５五伍",
    "6": "6６六陆陸",
    "7": "7７七拐柒",
    "8": "8８八捌",
    "9": "9９九勾玖",
}
DIGIT_CHARS = "".join(DIGIT_FORMS.values())
TO_ASCII_DIGITS = str.maketrans(
    {form: digit for digit, forms in DIGIT_FORMS.items() for form in forms}
)
# Full-width ASCII (！…～) and the ideographic space to half-width: same length, so offsets hold.
FULL_TO_HALF_WIDTH = str.maketrans(
    {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
)

# What may stand between the groups of one number: spaces, commas, dashes, full stops, pauses
# and filler sounds (一三八，嗯，一二三四).
SEPARATOR_CLASS = r"[\s,，、.。\-－—–…嗯呃啊哦]"
MAX_SEPARATORS = 4
# The ID check character: X, x, full-width, 叉, or spelled out as it sounds (艾克斯).
CHECK_CHAR = r"(?:[XxＸｘ叉]|[艾爱]克斯)(?![A-Za-z])"

_CANDIDATE_REST = (
    rf"[{DIGIT_CHARS}]*(?P<more>(?:{SEPARATOR_CLASS}{{1,{MAX_SEPARATORS}}}[{DIGIT_CHARS}]+)*)"
    rf"(?:{SEPARATOR_CLASS}{{0,2}}(?P<check>{CHECK_CHAR}))?"
)
_CANDIDATE = re.compile(rf"[{DIGIT_CHARS}]{_CANDIDATE_REST}")
_GROUP = re.compile(rf"[{DIGIT_CHARS}]+")

# A digit group right after one of these is part of an amount, date, time or ordinal
# (一万二, 十月五, 2024年10, 三点五, 第三, 星期三, 百分之五, ￥20).
AMOUNT_BEFORE = frozenset("十百千万亿拾佰仟萬億年月第点點之期拜周￥¥$")
# A short digit group right before one of these is an amount or a count (两千, 三百块, 两个,
# 2024年, 十点, 12期, 3k).
AMOUNT_AFTER = frozenset(
    "十百千万亿拾佰仟萬億块塊元圆圓角毛分钱錢个個位次遍件张張条條本份台辆輛"
    "天年月日时時点點秒岁歲周倍成折%％斤米克升度层層楼樓人多来來小期wWkK"
)
# A group of at most this many digits before a measure word is a count or an amount (2000元,
# 两个); a longer one (a 12-digit run before 块) is still a number someone read out.
MAX_COUNT_DIGITS = 6
# 一 before these is a word (一下, 一样, 一共 …), not a digit, even at the end of a long run.
ONE_AS_WORD_BEFORE = frozenset("下样樣起般直定共些会會旦切致个個次遍位天点點边邊半阵陣种種")


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which made a
# run cost three times as much to build, and every call builds a few dozen. Nothing changes a
# run after it is made.
@dataclass(slots=True)
class DigitRun:
    """One number as read out: its digit groups in the text and the digits they stand for."""

    # (start, end) character spans; separators between them are dropped
    groups: tuple[tuple[int, int], ...]
    digits: str  # ASCII digits, with "X" last when an ID check character was spoken
    check_span: tuple[int, int] | None = None

    @property
    def start(self) -> int:
        return self.groups[0][0]

    @property
    def end(self) -> int:
        return self.check_span[1] if self.check_span else self.groups[-1][1]

    def digit_spans(self) -> list[tuple[int, int]]:
        """The characters each digit came from, in order (艾克斯 is one digit of three characters)."""
        spans = [(i, i + 1) for start, end in self.groups for i in range(start, end)]
        if self.check_span:
            spans.append(self.check_span)
        return spans

    def part(self, first: int, last: int) -> DigitRun:
        """The run made of groups first..last (inclusive): a piece when one run holds two numbers."""
        groups = self.groups[first : last + 1]
        check = self.check_span if last == len(self.groups) - 1 else None
        n_digits = sum(end - start for start, end in groups)
        offset = sum(end - start for start, end in self.groups[:first])
        digits = self.digits[offset : offset + n_digits] + ("X" if check else "")
        return DigitRun(groups, digits, check)


def _kept_groups(text: str, match: re.Match) -> tuple[list[tuple[int, int]], bool]:
    """The digit groups of one candidate of several groups that are read-out digits, not
    amounts or words, and whether the last group was kept whole (only then can a check
    character follow it). find_digit_runs applies the same checks to one group inline."""
    groups = [m.span() for m in _GROUP.finditer(text, match.start(), match.end())]
    # Separators are never units, so only the outer groups can touch an amount word.
    start, end = groups[0]
    if start > 0 and text[start - 1] in AMOUNT_BEFORE:
        groups.pop(0)
    if not groups:
        return groups, False
    start, end = groups[-1]
    following = text[end] if end < len(text) else ""
    if following in ONE_AS_WORD_BEFORE and text[end - 1] == "一":
        end -= 1
    if end == start or (following in AMOUNT_AFTER and end - start <= MAX_COUNT_DIGITS):
        groups.pop()
        return groups, False
    last_intact = groups[-1][1] == end
    groups[-1] = (start, end)
    return groups, last_intact


def _check_belongs(groups: list[tuple[int, int]]) -> bool:
    """An X is an ID check character only after 17 digits: some trailing groups must add up to 17."""
    total = 0
    for start, end in reversed(groups):
        total += end - start
        if total == 17:
            return True
        if total > 17:
            return False
    return False


@lru_cache(maxsize=8)
def _candidates_of_at_least(min_digits: int) -> re.Pattern:
    """_CANDIDATE, skipping in C the candidates that cannot give `min_digits` digits.

    A run of `min_digits` digits has at least `min_digits - 1` digit characters (one digit may be
    the check character), and its groups with the separators between them are contiguous from
    the candidate's first character on. A candidate starting with fewer digit or separator
    characters (the 一 of 一下, a lone 三, the 2024 of 2024年) gives no run, so it is not handed
    to Python at all. The look-ahead comes after the first digit so that `re` still jumps from
    digit to digit.
    """
    if min_digits <= 2:
        return _CANDIDATE
    stretch = rf"(?=(?:[{DIGIT_CHARS}]|{SEPARATOR_CLASS}){{{min_digits - 2}}})"
    return re.compile(rf"[{DIGIT_CHARS}]{stretch}{_CANDIDATE_REST}")


def find_digit_runs(
    text: str, min_digits: int = 1, start: int = 0, end: int | None = None
) -> list[DigitRun]:
    """Every run of read-out digits in `text` with at least `min_digits` digits; with `start`
    and `end`, those in text[start:end] (offsets into `text`), for a span whose ends no run
    crosses (a SPEAKER_BREAK or the text's ends): then they are the runs of the whole text there.

    The runs of a larger `min_digits` are exactly those of a smaller one that have that many
    digits (the look-ahead skips a candidate only where no candidate starts inside it either),
    so one search serves masking and secrets."""
    runs = []
    n_chars = len(text)
    for match in _candidates_of_at_least(min_digits).finditer(
        text, start, n_chars if end is None else end
    ):
        first, stop = match.span()
        if stop - first < min_digits:
            continue  # each digit takes at least one character: too short to matter
        more_start, more_end = match.span(1)  # groups by number: 1 "more", 2 "check"
        if more_start == more_end:
            # Most candidates: one group read without a pause. _kept_groups' checks, inlined:
            # this loop runs for every number of every call.
            group_end = more_start
            if first and text[first - 1] in AMOUNT_BEFORE:
                continue
            following = text[group_end] if group_end < n_chars else ""
            if following in ONE_AS_WORD_BEFORE and text[group_end - 1] == "一":
                group_end -= 1
            n_digits = group_end - first  # one character each
            if n_digits == 0 or (following in AMOUNT_AFTER and n_digits <= MAX_COUNT_DIGITS):
                continue
            groups: tuple[tuple[int, int], ...] = ((first, group_end),)
            digits = text[first:group_end].translate(TO_ASCII_DIGITS)
            # an X after 17 digits kept whole is the ID's check character (_check_belongs)
            checked = n_digits == 17 and group_end == more_start and match.start(2) >= 0
        else:
            kept, last_intact = _kept_groups(text, match)
            if not kept:
                continue
            groups = tuple(kept)
            digits = "".join([text[lo:hi] for lo, hi in kept]).translate(TO_ASCII_DIGITS)
            checked = match.start(2) >= 0 and last_intact and _check_belongs(kept)
        if checked:
            if len(digits) + 1 >= min_digits:
                runs.append(DigitRun(groups, digits + "X", match.span(2)))
        elif len(digits) >= min_digits:
            runs.append(DigitRun(groups, digits))
    return runs


@dataclass(frozen=True, slots=True)
class DigitView:
    """`text` with every digit run written as ASCII digits and its separators removed.

    `origin[i]`..`origin_end[i]` is the span of the source characters that view character i
    came from, so a match in the view maps back to the words that were said.
    """

    source: str
    text: str
    origin: tuple[int, ...]
    origin_end: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of view characters start..end (end exclusive, end > start)."""
        return self.origin[start], self.origin_end[end - 1]


def digit_view(text: str) -> DigitView:
    pieces: list[str] = []
    origin: list[int] = []
    origin_end: list[int] = []
    cursor = 0
    for run in find_digit_runs(text):
        pieces.append(text[cursor : run.start].translate(FULL_TO_HALF_WIDTH))
        origin.extend(range(cursor, run.start))
        origin_end.extend(range(cursor + 1, run.start + 1))
        pieces.append(run.digits)
        for start, end in run.digit_spans():
            origin.append(start)
            origin_end.append(end)
        cursor = run.end
    pieces.append(text[cursor:].translate(FULL_TO_HALF_WIDTH))
    origin.extend(range(cursor, len(text)))
    origin_end.extend(range(cursor + 1, len(text) + 1))
    return DigitView(text, "".join(pieces), tuple(origin), tuple(origin_end))


# --- numbers spoken over several segments ---------------------------------------------------

# Pieces of one number said by the same speaker with at most this much silence between them
# are read as one text; a caller reading 18 digits pauses, and ASR/VAD cuts at the pauses.
JOIN_GAP_S = 3.0
# Between the joined segments of one speaker: a separator, so digits either side join into one run.
JOINER = " "
# Between different speakers' texts: neither digit nor separator nor amount word, so no run crosses it.
SPEAKER_BREAK = "\x00"


def join_same_speaker(segments: Sequence[Segment], max_gap_s: float = JOIN_GAP_S) -> JoinedSegments:
    """All segments as one text, each speaker's consecutive segments (gaps of at most `max_gap_s`
    seconds) joined by JOINER — other speakers' backchannels in between (嗯, 好的) do not break a
    number — and separate stretches of speech divided by SPEAKER_BREAK. One regex pass then
    finds every run."""
    starts = [segment.start for segment in segments]
    in_time_order = starts == sorted(starts)
    order = (
        range(len(segments))
        if in_time_order
        else sorted(range(len(segments)), key=starts.__getitem__)
    )
    # speaker -> [segment indices of their open stretch, the latest end time in it]
    open_stretch: dict[str, list] = {}
    stretches: list[list[int]] = []
    for index in order:
        segment = segments[index]
        key = segment.speaker or segment.role
        current = open_stretch.get(key)
        if current is not None and segment.start - current[1] <= max_gap_s:
            current[0].append(index)
            if segment.end > current[1]:
                current[1] = segment.end
        else:
            stretches.append(members := [index])
            open_stretch[key] = [members, segment.end]
    return JoinedSegments.of_stretches(segments, stretches, JOINER, SPEAKER_BREAK, in_time_order)
