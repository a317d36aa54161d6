"""The recognizers of the PII detector: for each kind of number a pattern (length and shape) and
a validate step that sets a base confidence, in the manner of Presidio's recognizers.

ID: province code, birth date and the ISO 7064 MOD 11-2 check digit (15-digit legacy numbers
without one); bank card: Luhn, or a UnionPay prefix; mobile: an allocated prefix. Context words
(pipeline.detectors.pii) then raise or lower the confidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


# Not frozen: a frozen dataclass sets each field through object.__setattr__, and every number
# read in a call is recognized afresh. Nothing changes a recognition after it is made.
@dataclass(slots=True)
class Recognition:
    entity: str
    number: str  # the digits that identify the number (a mobile without its 86 prefix)
    base_score: float
    checks: dict[str, bool]


# First two digits of a resident ID: provinces, plus 71 Taiwan, 81/82 Hong Kong/Macau,
# 83 Taiwan residence permits.
PROVINCE_CODES = frozenset(
    (
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
        71,
        81,
        82,
        83,
    )
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_ID18 = re.compile(r"\d{17}[\dX]")
_ID15 = re.compile(r"\d{15}")
_CARD = re.compile(r"\d{16,19}")
_MOBILE = re.compile(r"(?:0086|86)?(1[3-9]\d{9})")
# Mobile prefixes in use for voice (140–144 are data-only IoT numbers; 154, 160/161/163/164/168/169, 179 unassigned).
_ALLOCATED_MOBILE = re.compile(r"1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9\d)")


def id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits of an ID number."""
    return ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


def valid_birth_date(yyyymmdd: str, today: date | None = None) -> bool:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= (today or date.today())


# Luhn's doubled digit: 2d, less 9 when that has two digits.
_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_valid(digits: str) -> bool:
    """Luhn check: from the right, every second digit doubled. Summed by maps, not a loop per
    digit: every card-length number of every call is checked."""
    from_right = digits[::-1]
    kept = sum(map(int, from_right[::2]))
    doubled = sum(map(_LUHN_DOUBLED.__getitem__, map(int, from_right[1::2])))
    return (kept + doubled) % 10 == 0


def recognize_id_card(digits: str) -> Recognition | None:
    if _ID18.fullmatch(digits):
        checks = {
            "province": int(digits[:2]) in PROVINCE_CODES,
            "birth_date": valid_birth_date(digits[6:14]),
            "check_digit": id_check_char(digits[:17]) == digits[17],
        }
        return Recognition("id_card", digits, 0.85, checks) if all(checks.values()) else None
    if _ID15.fullmatch(digits):
        # Legacy numbers (before 1999): 19YYMMDD birth date, no check digit — weak without context.
        checks = {
            "province": int(digits[:2]) in PROVINCE_CODES,
            "birth_date": valid_birth_date("19" + digits[6:12]),
        }
        return Recognition("id_card", digits, 0.45, checks) if all(checks.values()) else None
    return None


def recognize_bank_card(digits: str) -> Recognition | None:
    if not _CARD.fullmatch(digits):
        return None
    checks = {"luhn": luhn_valid(digits), "unionpay_prefix": digits.startswith("62")}
    if checks["luhn"]:
        return Recognition("bank_card", digits, 0.6, checks)
    if checks["unionpay_prefix"]:
        # Many UnionPay numbers fail Luhn: accepted only next to a card context word.
        return Recognition("bank_card", digits, 0.3, checks)
    return None


def recognize_phone(digits: str) -> Recognition | None:
    match = _MOBILE.fullmatch(digits)
    if not match:
        return None
    number = match.group(1)
    checks = {"allocated_prefix": bool(_ALLOCATED_MOBILE.match(number))}
    return Recognition("phone", number, 0.65 if checks["allocated_prefix"] else 0.3, checks)


RECOGNIZERS: tuple[Callable[[str], Recognition | None], ...] = (
    recognize_id_card,
    recognize_bank_card,
    recognize_phone,
)


# The recognizers (in RECOGNIZERS order) whose pattern takes a number of this many characters:
# an ID has 15 or 18, a card 16–19, a mobile 11 (13 or 15 with its 86 or 0086 prefix).
_BY_LENGTH = {
    length: tuple(
        recognizer
        for recognizer, lengths in zip(RECOGNIZERS, ((15, 18), range(16, 20), (11, 13, 15)))
        if length in lengths
    )
    for length in range(11, 20)
}


def recognitions(digits: str) -> list[Recognition]:
    """Every kind of number `digits` can be (18 digits may be an ID and a card)."""
    return [
        found
        for recognizer in _BY_LENGTH.get(len(digits), ())
        if (found := recognizer(digits)) is not None
    ]
