"""Masking of spoken numbers before text is stored, logged or shown.

Raw ID-card, bank-card and phone numbers must never leave the pipeline. Until a detector has
classified a number, every run of seven or more digits — Arabic or spoken (一三八, 幺, 洞, 两 …),
with spaces, dashes or pauses between them — is masked, keeping the first three and last four
digits of long runs (enough for a QA lead to tell numbers apart, as on a masked receipt).
Masking replaces characters one for one, so offsets into the text stay valid.
"""

from __future__ import annotations

import re

DIGIT_CHARS = "0-9０-９零〇一二三四五六七八九幺两洞拐勾壹贰叁肆伍陆柒捌玖"
_SEPARATORS = r"[\s\-－—,，、.。]"
# A digit, then digits or separators, ending on a digit (or an ID check character X).
_RUN = re.compile(rf"[{DIGIT_CHARS}](?:{_SEPARATORS}?[{DIGIT_CHARS}])*(?:{_SEPARATORS}?[Xx叉])?")
MIN_MASKED_DIGITS = 7
MASK = "*"


def _mask_run(run: str) -> str:
    digit_positions = [i for i, ch in enumerate(run) if not re.match(_SEPARATORS, ch)]
    n = len(digit_positions)
    if n < MIN_MASKED_DIGITS:
        return run
    keep_head, keep_tail = (3, 4) if n >= 11 else (0, 2)
    hidden = set(digit_positions[keep_head : n - keep_tail])
    return "".join(MASK if i in hidden else ch for i, ch in enumerate(run))


def mask_numbers(text: str) -> str:
    """Mask every long digit run in `text`; the result has the same length."""
    if not text:
        return text
    return _RUN.sub(lambda m: _mask_run(m.group(0)), text)
