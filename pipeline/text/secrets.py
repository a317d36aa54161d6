"""Secrets read out in a call: verification codes, passwords, PINs, CVVs, expiry dates.

Masking keeps the head and tail of a long number (pipeline.text.masking); a secret keeps
nothing, however short. A digit run of SECRET_MIN_DIGITS or more is a secret when a cue of
lexicons/secret_cues.txt comes shortly before it in the same speaker's stretch of speech
(验证码是幺二三四五六), or when a customer reads it soon after the agent said a cue or an ask
word (the agent asked for the code). Runs are those of pipeline.text.digits, so 幺/两/洞 forms,
pauses and numbers split over segments are covered, and amounts (三百块) are not.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.errors import LexiconError
from pipeline.text.digits import DIGIT_CHARS, DigitRun, find_digit_runs
from pipeline.text.joined import JoinedSegments
from pipeline.text.lexicon import longest_word_pattern, read_lexicon

SECRET_CUES_FILE = "secret_cues.txt"
SHIPPED_LEXICONS = Path(__file__).resolve().parents[2] / "lexicons"
SECRET_MIN_DIGITS = 3
CUE_WINDOW_CHARS = 12  # from the end of a cue to the first digit
# How far back from a run _cue_before looks: CUE_WINDOW_CHARS, and room for the cue itself.
_WINDOW_BACK = CUE_WINDOW_CHARS + 8
ASK_WINDOW_S = 30.0  # from the end of the agent's asking segment to the customer's digits
# Read out unprompted by a cue, only a run shorter than a mobile number counts as asked for: a
# mobile number the customer gives after the agent's warning about codes is a phone number
# (masked as one), while a six- or eight-digit code that ASR heard with a digit or two too many
# (三八九九四五二一一 for 三八九九四五二幺) is still a code and keeps no digit.
MAX_ASKED_DIGITS = 10
_WORD = re.compile(r"[\u3400-\u9fffA-Za-z0-9]+\Z")
# A cue does not reach over a sentence end, or into another speaker's stretch (digits.SPEAKER_BREAK).
_SENTENCE_END = re.compile(r"[。！？!?；;\n\x00]")


@dataclass(frozen=True, eq=False)
class SecretCues:
    cue: re.Pattern  # before a number in the same speech, or in the agent's asking
    ask: re.Pattern  # the cue and the ask words (六位数字, 背面 …): in the agent's asking
    # The words `cue` finds. Where every word `ask` finds in a text is one of them, the two
    # searches find the same spans (_cue_spans): one search of the call's text, not two.
    cue_words: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class SecretRun:
    run: DigitRun  # offsets into the joined text it was found in
    cue: str  # the cue word that made it a secret
    asked: bool  # the agent asked for it (a cue or ask word in the agent's speech before)


def _alternation(words: list[str]) -> re.Pattern:
    return longest_word_pattern(words)  # the longest word at each place


@lru_cache(maxsize=8)
def load_secret_cues(lexicon_dir: str | Path = SHIPPED_LEXICONS) -> SecretCues:
    """The cues of `lexicon_dir`; the shipped file when the folder has none of its own."""
    path = Path(lexicon_dir) / SECRET_CUES_FILE
    if not path.is_file():
        path = SHIPPED_LEXICONS / SECRET_CUES_FILE
    words: dict[str, list[str]] = {"cue": [], "ask": []}
    for line in read_lexicon(path, min_columns=2, max_columns=2):
        kind, word = line.columns
        if kind not in words:
            raise LexiconError(f"{line.where}: unknown kind {kind!r}; known: cue, ask")
        if not _WORD.match(word):
            raise LexiconError(f"{line.where}: {word!r} may hold only characters, letters, digits")
        words[kind].append(word)
    if not words["cue"]:
        raise LexiconError(f"{path}: no cue words: secrets would never be masked")
    return SecretCues(
        _alternation(words["cue"]),
        _alternation(words["cue"] + words["ask"]),
        frozenset(words["cue"]),
    )


def _runs_after_cues(
    text: str,
    cues: SecretCues,
    cue_spans: list[tuple[int, int]],
    runs: list[DigitRun] | None = None,
    stretch_break: str | None = None,
) -> list[DigitRun]:
    """The digit runs of `text` with its cue words (at `cue_spans`) blanked out first (same
    length): 有效期零九二八 is an expiry date, not the amount-like 期零九 the digit view would leave
    out, and the 2 of CVV2 is not a digit of the code.

    `runs`: those of `text` as it is (SECRET_MIN_DIGITS or more), if already found; they are
    the blanked text's runs in every stretch of speech (between two `stretch_break`s, which no
    run crosses) without a cue, so only the stretches holding a cue are searched again, and
    none when no cue holds or touches what a run is read from (most cues: 请不要把验证码告诉任何人)."""
    if runs is not None and all(_leaves_runs(text, start, end) for start, end in cue_spans):
        return runs
    blanked = cues.cue.sub(lambda m: "_" * len(m.group(0)), text)
    if runs is None or stretch_break is None:
        return find_digit_runs(blanked, min_digits=SECRET_MIN_DIGITS)
    stretches = sorted(
        {
            (text.rfind(stretch_break, 0, start) + 1, _find_or_end(text, stretch_break, start))
            for start, _end in cue_spans
        }
    )
    stretch_starts = [lo for lo, _hi in stretches]
    kept = []
    for run in runs:
        k = bisect.bisect_right(stretch_starts, run.start) - 1
        if k < 0 or run.start >= stretches[k][1]:  # not in a stretch holding a cue
            kept.append(run)
    for lo, hi in stretches:
        kept.extend(find_digit_runs(blanked, SECRET_MIN_DIGITS, lo, hi))
    return sorted(kept, key=lambda run: run.start)


# What a run is made of: digits, and the ID check character (X, 叉, 艾克斯) after them.
_RUN_CHARS = frozenset(DIGIT_CHARS + "XxＸｘ叉艾爱克斯")


def _leaves_runs(text: str, start: int, end: int) -> bool:
    """Whether blanking text[start:end] leaves the digit runs as they are: it holds no digit
    or check character, and neither borders it, so no run holds it, and none ends or starts
    next to it (where the characters beside a run decide an amount or a check character)."""
    return (
        _RUN_CHARS.isdisjoint(text[start:end])
        and (start == 0 or text[start - 1] not in _RUN_CHARS)
        and (end == len(text) or text[end] not in _RUN_CHARS)
    )


def _find_or_end(text: str, char: str, start: int) -> int:
    at = text.find(char, start)
    return len(text) if at < 0 else at


def _cue_spans(
    text: str, cues: SecretCues, asks: list[re.Match] | None = None
) -> list[tuple[int, int]]:
    """Where the cues of `text` are. `asks`: the matches of cues.ask in it, if already found.

    Both patterns try their words longest first at each place, and every cue word is an ask
    word: so where every ask match is a cue word, the cue search stops at the same places and
    takes the same words (most texts), and only a text where an ask-only word matched (背面
    inside 卡背面 is a cue) is searched again."""
    # cue_words is empty only for cues built by hand, whose `ask` may not hold them
    if asks is not None and cues.cue_words and all(m.group(0) in cues.cue_words for m in asks):
        return [match.span() for match in asks]
    return [match.span() for match in cues.cue.finditer(text)]


def _cue_before(
    text: str, start: int, cues: SecretCues, cue_spans: list[tuple[int, int]]
) -> str | None:
    """The cue ending at most CUE_WINDOW_CHARS before `start`, in the same sentence.

    `cue_spans`: the cues of the whole text. A cue found in the window is in the text too, or
    overlaps one found there, so a window no cue of the text reaches is not searched."""
    window_start = max(0, start - _WINDOW_BACK)
    k = bisect.bisect_right(cue_spans, (window_start, len(text)))
    if k > 0 and cue_spans[k - 1][1] > window_start:
        k -= 1  # a cue that starts before the window and ends inside it
    if k == len(cue_spans) or cue_spans[k][0] >= start:
        return None
    window = text[window_start:start]
    window = _SENTENCE_END.split(window)[-1]
    found = None
    for match in cues.cue.finditer(window):
        if len(window) - match.end() <= CUE_WINDOW_CHARS:
            found = match.group(0)
    return found


def _asking_ends(joined: JoinedSegments, ask_matches: list[re.Match]) -> list[tuple[float, str]]:
    """(end time, word) of each agent segment holding a cue or ask word, in time order: the
    first such word of each, from the matches of the ask pattern in the joined text (no word
    crosses the spaces and breaks between segments)."""
    asks = []
    asked_in: set[int] = set()
    for match in ask_matches:
        index, _offset = joined.locate(match.start())
        if index not in asked_in:
            asked_in.add(index)
            segment = joined.segments[index]
            if segment.role == "agent":
                asks.append((segment.end, match.group(0)))
    return sorted(asks)


def find_secret_runs(
    joined: JoinedSegments, cues: SecretCues, runs: list[DigitRun] | None = None
) -> list[SecretRun]:
    """The secrets read out in `joined` (pipeline.text.digits.join_same_speaker's text).
    `runs`: the digit runs of its text with SECRET_MIN_DIGITS or more, if already found."""
    text = joined.text
    ask_matches = list(cues.ask.finditer(text))
    cue_spans = _cue_spans(text, cues, ask_matches)
    runs = _runs_after_cues(text, cues, cue_spans, runs, joined.stretch_break)
    if not runs:
        return []
    asks = _asking_ends(joined, ask_matches)
    if not asks and not cue_spans:
        return []  # no run has a cue before it, and nobody asked
    ask_times = [end for end, _ in asks]
    # _cue_before's own first test, on plain ints: most runs have no cue before them
    cue_starts = [start for start, _end in cue_spans]
    cue_ends = [end for _start, end in cue_spans]
    # looked up once: the loop runs for every digit run of every call
    segments, order, starts = joined.segments, joined.order, joined.starts
    bisect_right = bisect.bisect_right
    secrets = []
    for run in runs:
        run_start = run.start
        n_digits = len(run.digits)
        if n_digits < SECRET_MIN_DIGITS:
            continue
        asked_by = None
        if asks and n_digits <= MAX_ASKED_DIGITS:  # only then is the run's segment looked up
            segment = segments[order[bisect_right(starts, run_start) - 1]]
            if segment.role == "customer":
                # the latest asking that ended before the customer started this segment, if recent
                at = bisect_right(ask_times, segment.start + 1e-6) - 1
                if at >= 0 and segment.start - ask_times[at] <= ASK_WINDOW_S:
                    asked_by = asks[at][1]
        # the first cue ending inside the window must start before the run
        k = bisect_right(cue_ends, run_start - _WINDOW_BACK)
        cue = (
            _cue_before(text, run_start, cues, cue_spans)
            if k < len(cue_starts) and cue_starts[k] < run_start
            else None
        )
        if cue is not None or asked_by is not None:
            # asked: the agent asked, whether or not the customer also named the code
            secrets.append(SecretRun(run, cue or asked_by or "", asked_by is not None))
    return secrets


def secret_spans(text: str, cues: SecretCues | None = None) -> list[tuple[int, int]]:
    """Character spans of the secrets' digits in one text on its own (no speakers, no asking)."""
    cues = cues or load_secret_cues()
    cue_spans = _cue_spans(text, cues)
    if not cue_spans:
        return []  # no cue: no secret
    spans = []
    for run in _runs_after_cues(text, cues, cue_spans):
        if _cue_before(text, run.start, cues, cue_spans) is not None:
            spans.extend(run.digit_spans())
    return spans
