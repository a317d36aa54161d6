"""Words to speakers: a mono transcript meets the diarizer's exclusive turns.

Each word goes to the speaker whose turn overlaps it most (the nearest turn when it falls in a
gap); a segment whose words belong to more than one speaker is split where the speaker changes,
because whisper happily runs two parties' speech into one segment when the pause is short.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from pipeline.types import Segment, Turn, Word


def _speaker_at(start: float, end: float, turns: Sequence[Turn], turn_starts: list[float]) -> str:
    """The speaker of the turn overlapping [start, end] most, else of the nearest turn."""
    first = max(0, bisect.bisect_right(turn_starts, start) - 1)
    best, best_overlap = None, 0.0
    for turn in turns[first:]:
        if turn.start >= end:
            break
        overlap = min(end, turn.end) - max(start, turn.start)
        if overlap > best_overlap:
            best, best_overlap = turn.speaker, overlap
    if best is not None:
        return best
    middle = (start + end) / 2
    nearest = min(
        turns,
        key=lambda t: (
            0.0 if t.start <= middle <= t.end else min(abs(t.start - middle), abs(t.end - middle))
        ),
    )
    return nearest.speaker


def _speaker_of_span(start: float, end: float, turns: Sequence[Turn]) -> str:
    """For segments without words: the speaker holding most of [start, end]."""
    talk: dict[str, float] = {}
    for turn in turns:
        overlap = min(end, turn.end) - max(start, turn.start)
        if overlap > 0:
            talk[turn.speaker] = talk.get(turn.speaker, 0.0) + overlap
    if talk:
        return max(talk, key=talk.__getitem__)
    return _speaker_at(start, end, turns, [t.start for t in turns])


def join_words(words: Sequence[Word]) -> str:
    """Chinese words join without spaces; two Latin-letter words keep one between them (digits join: 20 + 15 is 2015)."""
    text = ""
    for word in words:
        if (
            text
            and text[-1].isascii()
            and text[-1].isalpha()
            and word.text[:1].isascii()
            and word.text[:1].isalpha()
        ):
            text += " "
        text += word.text
    return text


def assign_speakers(segments: Sequence[Segment], turns: Sequence[Turn]) -> list[Segment]:
    """Segments with `speaker` set from the turns (role left as is), split at speaker changes."""
    if not turns:
        return list(segments)
    turns = sorted(turns, key=lambda t: t.start)
    turn_starts = [t.start for t in turns]
    out: list[Segment] = []
    for segment in segments:
        if not segment.words:
            out.append(
                replace(segment, speaker=_speaker_of_span(segment.start, segment.end, turns))
            )
            continue
        # Whisper gives a pause to the word after it, so a word's start often lies in the pause
        # before its speaker's turn; its second half is where it was actually said.
        speakers = [
            _speaker_at((w.start + w.end) / 2, w.end, turns, turn_starts)
            if w.end > w.start
            else _speaker_at(w.start, w.end + 0.01, turns, turn_starts)
            for w in segment.words
        ]
        pieces: list[tuple[str, list[Word]]] = []
        for word, speaker in zip(segment.words, speakers):
            if pieces and pieces[-1][0] == speaker:
                pieces[-1][1].append(word)
            else:
                pieces.append((speaker, [word]))
        if len(pieces) == 1:
            out.append(replace(segment, speaker=pieces[0][0]))
            continue
        for speaker, words in pieces:
            out.append(
                Segment(
                    start=words[0].start,
                    end=words[-1].end,
                    speaker=speaker,
                    role=segment.role,
                    text=join_words(words),
                    words=tuple(words),
                    confidence=segment.confidence,
                )
            )
    return sorted(out, key=lambda s: (s.start, s.end, s.speaker))
