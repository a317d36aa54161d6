"""Masking of spoken numbers before text is stored, logged or shown.

Raw ID-card, bank-card and phone numbers must never leave the pipeline. Masking does not wait
for a detector to classify a number: every digit run of seven or more digits — Arabic or
spoken (一三八, 幺, 洞, 两 …), with spaces, dashes or pauses between the pieces, found as in
pipeline.digits — is masked. What stays visible is at most what a masked receipt shows:
the first 6 and last 4 digits of an ID or card (region / issuer and tail), the first 3 and
last 4 of a mobile. Masking replaces characters one for one, so offsets into the text stay valid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.digits import JOIN_GAP_S, find_digit_runs, join_same_speaker
from pipeline.types import Segment

MIN_MASKED_DIGITS = 7
MASK = "*"
# 15–19 digits not starting like a mobile: an ID (15/18) or a card (16–19).
_MOBILE_START = re.compile(r"(?:86)?1[3-9]")


def visible_digits(digits: str) -> tuple[int, int]:
    """How many leading and trailing digits of a run of `digits` may stay visible."""
    n = len(digits)
    if n < MIN_MASKED_DIGITS:
        return n, 0
    if n <= 10:
        return 0, 2
    if n >= 20:
        return 0, 4  # longer than any one number: several read together, keep only the last tail
    if n >= 15 and not _MOBILE_START.match(digits):
        return 6, 4
    return 3, 4


def mask_digits(digits: str, keep_head: int, keep_tail: int) -> str:
    """`digits` (a plain string, e.g. a classified number) with the middle masked."""
    hidden = len(digits) - keep_head - keep_tail
    if hidden <= 0:
        return MASK * len(digits)
    return digits[:keep_head] + MASK * hidden + digits[len(digits) - keep_tail :]


def mask_numbers(text: str) -> str:
    """Mask every long digit run in `text`; the result has the same length."""
    if not text:
        return text
    runs = find_digit_runs(text, min_digits=MIN_MASKED_DIGITS)
    if not runs:
        return text
    chars = list(text)
    for run in runs:
        keep_head, keep_tail = visible_digits(run.digits)
        spans = run.digit_spans()
        for start, end in spans[keep_head : len(spans) - keep_tail]:
            chars[start:end] = MASK * (end - start)
    return "".join(chars)


def mask_segment_texts(segments: Sequence[Segment], max_gap_s: float = JOIN_GAP_S) -> list[str]:
    """The masked text of each segment, masking numbers spread over segments as whole numbers.

    A caller who reads 一三八一二 and, a second later, 三四五六七八 leaves two short runs that
    mask_numbers alone would keep; joined as the PII detector joins them, they are one mobile.
    """
    joined = join_same_speaker(segments, max_gap_s)
    masked = mask_numbers(joined.text)
    return [masked[offset : offset + len(segment.text)] for segment, offset in zip(segments, joined.offsets)]
