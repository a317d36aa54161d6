"""Mapping character offsets of a segment's text back to audio times, and evidence snippets."""

from __future__ import annotations

from pipeline.text.masking import mask_numbers
from pipeline.types import Segment


def char_times(segment: Segment) -> list[tuple[float, float]]:
    """(start, end) for every character of `segment.text`.

    Word texts are located in the segment text in order; characters that no word covers
    (punctuation, or all of them when the transcript has no words) take the segment's times.
    """
    times = [(segment.start, segment.end)] * len(segment.text)
    cursor = 0
    for word in segment.words:
        if not word.text:
            continue
        at = segment.text.find(word.text, cursor)
        if at < 0:
            continue
        for i in range(at, at + len(word.text)):
            times[i] = (word.start, word.end)
        cursor = at + len(word.text)
    return times


def span_times(segment: Segment, start: int, end: int) -> tuple[float, float]:
    """(earliest start, latest end) of characters start..end-1 as char_times gives them.

    Detectors ask this for thousands of short spans a second, so only the words up to the
    span's end are located, and no per-character list is built.
    """
    if not segment.words:  # every character takes the segment's times
        return segment.start, segment.end
    span = range(len(segment.text))[start:end]  # the characters that slicing char_times would give
    if not span:
        return segment.start, segment.end
    first, stop = span.start, span.stop
    starts: list[float] = []
    ends: list[float] = []
    covered = 0
    cursor = 0
    for word in segment.words:  # located as char_times locates them: in order, never overlapping
        if not word.text:
            continue
        at = segment.text.find(word.text, cursor)
        if at < 0:
            continue
        if at >= stop:
            break
        cursor = at + len(word.text)
        overlap = min(cursor, stop) - max(at, first)
        if overlap > 0:
            covered += overlap
            starts.append(word.start)
            ends.append(word.end)
    if covered < len(span):  # characters no word covers take the segment's times
        starts.append(segment.start)
        ends.append(segment.end)
    return min(starts), max(ends)


def evidence_snippet(
    text: str, start: int, end: int, context: int = 12, masked: str | None = None
) -> str:
    """The matched span in 【】 with some context either side.

    Numbers are masked on the whole text first (masking keeps the length), so a snippet
    edge that cuts through a number cannot leave its unmasked part behind. Detectors pass the
    call-level `masked` text (CallContext.masked_text), which also masks numbers read in pieces.
    """
    masked = masked if masked is not None else mask_numbers(text)
    return stretch_evidence(masked, start, end, 0, len(masked), context)


def stretch_evidence(
    masked: str, start: int, end: int, stretch_start: int, stretch_end: int, context: int = 12
) -> str:
    """evidence_snippet of masked[stretch_start:stretch_end] (a speaker's stretch of a call's
    masked speech) around characters start..end of `masked`, without slicing out the stretch:
    the PII detector makes one for every number it reports."""
    left = max(stretch_start, start - context)
    right = min(stretch_end, end + context)
    # one f-string: a single string build instead of six concatenations (every finding has one)
    return (
        f"{'…' if left > stretch_start else ''}{masked[left:start]}"
        f"【{masked[start:end]}】{masked[end:right]}{'…' if right < stretch_end else ''}"
    )
