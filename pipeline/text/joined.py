"""Segments' texts joined into one string, with the place of every segment in it.

Three readers scan a transcript as one text: the phrase engine (one party's segments in order,
one regex pass for all of them), the PII detector's context words (everyone's segments in time
order: what was said around a number, read from `TimeOrderedTexts` without joining them all)
and the digit view (each speaker's stretches of speech, so a number read over several segments
is one run). They join differently; `JoinedSegments` is what the phrase engine and the digit
view get, so a character of the joined text maps back to its segment one way.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from operator import le

from pipeline.types import Segment


@dataclass(frozen=True, eq=False, slots=True)
class JoinedSegments:
    segments: tuple[Segment, ...]  # as given to the builder
    text: str
    offsets: tuple[int, ...]  # offsets[i]: where segments[i].text starts in `text`
    order: tuple[int, ...]  # segment indices in the order their texts appear in `text`
    starts: tuple[int, ...]  # the offsets in that order (ascending)
    # The separator no stretch of speech crosses (stretch()); None: the text is one stretch.
    stretch_break: str | None = None
    # Known to be in time order (the builder sorted or checked their start times); False: not known.
    in_time_order: bool = False

    @classmethod
    def in_order(cls, segments: Sequence[Segment], separator: str = "\n") -> JoinedSegments:
        """The segments in the order given, `separator` between them."""
        texts = [segment.text for segment in segments]
        steps = [len(text) + len(separator) for text in texts[:-1]]
        starts = tuple(accumulate(steps, initial=0)) if texts else ()
        return cls(tuple(segments), separator.join(texts), starts, tuple(range(len(texts))), starts)

    @classmethod
    def of_stretches(
        cls,
        segments: Sequence[Segment],
        stretches: Sequence[Sequence[int]],
        joiner: str,
        stretch_break: str,
        in_time_order: bool = False,
    ) -> JoinedSegments:
        """`stretches`: lists of segment indices, in text order; each stretch's texts joined by
        `joiner`, every stretch followed by `stretch_break` (both one character).

        Built by joins, maps and accumulates rather than a loop appending to five lists: the
        speech of every call is laid out this way (pipeline.text.digits.join_same_speaker)."""
        if len(joiner) != 1 or len(stretch_break) != 1:
            raise ValueError("the joiner and the stretch break are one character each")
        order = list(chain.from_iterable(stretches))
        texts = [segments[index].text for index in order]
        separators = [joiner] * len(order)
        for stretch_end in accumulate(map(len, stretches)):
            separators[stretch_end - 1] = stretch_break
        # Every text is followed by one separator character: text k starts after the k texts
        # before it and their k separators.
        starts = list(accumulate([len(text) + 1 for text in texts[:-1]], initial=0))
        offsets = [0] * len(segments)
        for index, start in zip(order, starts):
            offsets[index] = start
        # texts and separators interleaved by slice assignment: no string per text+separator
        pieces = [""] * (2 * len(texts))
        pieces[::2] = texts
        pieces[1::2] = separators
        return cls(
            tuple(segments),
            "".join(pieces),
            tuple(offsets),
            tuple(order),
            tuple(starts) if texts else (),
            stretch_break,
            in_time_order,
        )

    def locate(self, position: int) -> tuple[int, int]:
        """(segment index, offset in that segment's text) of a character of `text`."""
        k = bisect.bisect_right(self.starts, position) - 1
        return self.order[k], position - self.starts[k]

    def segments_between(self, start: int, end: int) -> list[int]:
        """Indices of the segments whose text covers characters start..end-1, in text order."""
        first = bisect.bisect_right(self.starts, start) - 1
        last = bisect.bisect_right(self.starts, end - 1) - 1
        return list(self.order[first : last + 1])

    def spread(self, start: int, end: int) -> tuple[list[int], int, int]:
        """segments_between(start, end), with the offset of character `start` in the first of
        those segments and of character `end - 1` in the last: a span's place, located once."""
        first = bisect.bisect_right(self.starts, start) - 1
        last = bisect.bisect_right(self.starts, end - 1) - 1
        return (
            list(self.order[first : last + 1]),
            start - self.starts[first],
            end - 1 - self.starts[last],
        )

    def stretch(self, position: int) -> tuple[int, int]:
        """The (start, end) span of the stretch of speech around `position`."""
        if self.stretch_break is None:
            return 0, len(self.text)
        start = self.text.rfind(self.stretch_break, 0, position) + 1
        end = self.text.find(self.stretch_break, position)
        return start, len(self.text) if end < 0 else end


class TimeOrderedTexts:
    """The segments' texts in time order (a stable sort), as if joined by newlines, read only
    around a place: the PII detector reads what was said around each of
    a call's few numbers, and joining the whole call for them cost more than reading them."""

    def __init__(self, segments: Sequence[Segment], in_time_order: bool = False):
        """`in_time_order`: the caller knows the segments are in time order (not checked again)."""
        self.ordered: Sequence[Segment] = segments
        self.position: list[int] | None = None  # segment index -> place in `ordered`; None: same
        if in_time_order:
            return
        starts = [segment.start for segment in segments]
        if not all(map(le, starts, starts[1:])):  # most transcripts are in time order already
            order = sorted(range(len(segments)), key=starts.__getitem__)
            self.ordered = [segments[index] for index in order]
            self.position = [0] * len(segments)
            for place, index in enumerate(order):
                self.position[index] = place

    def before(self, index: int, offset: int, n_chars: int) -> str:
        """The `n_chars` characters before character `offset` of segment `index` (fewer at the start)."""
        k = index if self.position is None else self.position[index]
        text = self.ordered[k].text
        if n_chars <= offset <= len(text):  # most numbers: said well into their segment
            return text[offset - n_chars : offset]
        # the earlier segments that reach back n_chars, joined once
        pieces = [text[:offset]]
        n_read = len(pieces[0])
        while n_read < n_chars and k > 0:
            k -= 1
            pieces.append(self.ordered[k].text)
            n_read += len(pieces[-1]) + 1
        text = "\n".join(reversed(pieces))
        return text[max(0, len(text) - n_chars) :]

    def after(self, index: int, offset: int, n_chars: int) -> str:
        """The `n_chars` characters from character `offset` of segment `index` on (fewer at the end)."""
        k = index if self.position is None else self.position[index]
        text = self.ordered[k].text[offset:]
        if len(text) >= n_chars:  # the window ends in the same segment
            return text[:n_chars]
        while len(text) < n_chars and k + 1 < len(self.ordered):
            k += 1
            text = text + "\n" + self.ordered[k].text
        return text[:n_chars]
