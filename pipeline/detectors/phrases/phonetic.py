"""A same-length "sound view" of transcript text, so that phrase rules match through ASR homophones.

whisper-base often writes the right sound with the wrong character (停滞 → 停制, 验证码 → 验正码).
Matching on pinyin catches those. To keep it fast and keep offsets valid, each character is
replaced one for one (`str.translate`) by a code point that stands for its sound:

- a Chinese character → one private-use code per toned syllable (滞 and 制 are both zhì);
  the tone is kept, because toneless matching turns 记着 into 记者 and 没提 into 媒体;
- every spoken or written digit form → the ASCII digit (一 幺 壹 1 １ → "1"), so 幺二三幺五 is 12315;
- full-width ASCII → half-width, Latin letters → lower case (ＣＶＶ → cvv), 。 → ".".

A text character keeps only its most common reading (pypinyin's first). A lexicon phrase
character may match any of its readings (`phrase_char_pattern`), so a phrase always matches
its own characters and a homophone of them.
"""

from __future__ import annotations

import sys
from functools import lru_cache

import numpy as np

# Spoken and written digit forms, including the ones used to read out numbers (幺 洞 拐 勾 两).
DIGIT_FORMS = {
    "0": "0０零〇洞",
    "1": "1１一幺壹",
    "2": "2２二两贰",
    "3": "3３三叁",
    "4": "4４四肆",
    "5": "5５五伍",
    "6": "6６六陆",
    "7": "7７七拐柒",
    "8": "8８八捌",
    "9": "9９九勾玖",
}
_PRIVATE_USE_START = 0xE000


@lru_cache(maxsize=1)
def _syllable_codes() -> tuple[dict[str, str], dict[int, list[str]]]:
    """(toned syllable → code character, code point → its readings) from pypinyin's table."""
    pinyin_dict = _pinyin_dict()
    codes: dict[str, str] = {}
    readings: dict[int, list[str]] = {}
    for codepoint, joined in pinyin_dict.items():
        syllables = joined.split(",")
        readings[codepoint] = syllables
        for syllable in syllables:
            if syllable not in codes:
                codes[syllable] = chr(_PRIVATE_USE_START + len(codes))
    return codes, readings


def syllable_code_range() -> tuple[int, int]:
    """(first, last + 1) code point of the syllables' private-use codes."""
    return _PRIVATE_USE_START, _PRIVATE_USE_START + len(_syllable_codes()[0])


def _pinyin_dict() -> dict[int, str]:
    """pypinyin's character table (code point → "zhì,zhi" …), read from its JSON file.

    Importing `pypinyin.pinyin_dict` runs the package's __init__, which also loads the 400,000
    phrase table (0.7 s per process) that callqa never uses; the file itself is read directly
    when it is where pypinyin ships it.
    """
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("pypinyin")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        table = Path(folder) / "pinyin_dict.json"
        if table.is_file():
            return {
                int(codepoint): readings
                for codepoint, readings in json.loads(table.read_text("utf-8")).items()
            }
    from pypinyin.pinyin_dict import pinyin_dict

    return pinyin_dict


def _width_case_digit_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for offset in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[offset] = chr(offset - 0xFEE0).lower()
    for upper in range(ord("A"), ord("Z") + 1):
        table[upper] = chr(upper).lower()
    table[0x3000] = " "  # ideographic space
    # The ideographic full stop as ".": a sentence end is then ASCII in the sound view, and the
    # phrase regexes' gaps exclude it with a one-byte class (a class holding 。 took ~0.1 ms to
    # compile, tens of thousands of times a process).
    table[0x3002] = "."
    for digit, forms in DIGIT_FORMS.items():
        for form in forms:
            table[ord(form)] = digit
    return table


@lru_cache(maxsize=1)
def char_fold_table() -> dict[int, str]:
    """Width, case and digit folding only: the "same characters" view."""
    return _width_case_digit_table()


@lru_cache(maxsize=1)
def sound_table() -> dict[int, str]:
    """Character → sound code for `str.translate`; built once per process (~0.1 s)."""
    codes, readings = _syllable_codes()
    table = {codepoint: codes[syllables[0]] for codepoint, syllables in readings.items()}
    table.update(_width_case_digit_table())  # digit forms win over the pinyin of 一 二 两 …
    return table


def fold_chars(text: str) -> str:
    return text.translate(char_fold_table())


@lru_cache(maxsize=1)
def _sound_array() -> np.ndarray:
    """`sound_table` as a code-point lookup array: translating with numpy is ~4x faster than str.translate.

    It covers every code point (4.4 MB), so a text is translated by one `take` with no range
    check; characters without a sound map to themselves.
    """
    table = sound_table()
    lookup = np.arange(sys.maxunicode + 1, dtype=np.uint32)
    lookup[np.fromiter(table.keys(), dtype=np.uint32)] = np.fromiter(
        (ord(v) for v in table.values()), dtype=np.uint32
    )
    return lookup


@lru_cache(maxsize=256)
def sound_codes(text: str) -> str:
    """The sound view of `text`: same length, offsets shared with the original.

    Cached because several detectors look at the same speaker's text of the same call.
    """
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return _sound_array().take(points).tobytes().decode("utf-32-le")


@lru_cache(maxsize=1 << 16)  # the same few thousand lexicon characters, asked for again and again
def phrase_char_codes(char: str, homophones: bool) -> tuple[str, ...]:
    """The sound codes one lexicon character may match.

    With `homophones`, any reading of the character (so a phrase matches its own characters
    whichever reading a text character got, and every homophone of them); without, only the
    character's own code — homophones share it, so such rules are re-checked on characters.
    """
    if ord(char) in char_fold_table():
        return (char.translate(char_fold_table()),)
    codes, readings = _syllable_codes()
    if not homophones or ord(char) not in readings:
        return (char.translate(sound_table()),)
    return tuple(sorted({codes[syllable] for syllable in readings[ord(char)]}))
