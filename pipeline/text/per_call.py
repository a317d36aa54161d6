"""What several detectors of one call share: the last few calls' values of a computation.

The detectors of a call run one after the other on the same Transcript, and several of them need
the same derived value (a party's joined text, the phrase model's scores). A PerCall keeps the
values of the last few calls, each call's by whatever else they depend on, keyed by id() of the
transcript with the transcript kept alongside: an id is never reused while its entry lives, so
a hit is the same object, never a new call that happens to sit at the same address.

The call asked about last is checked first, by identity alone: a dozen detectors ask a dozen
times per call, and hashing (id, key) tuples for each of them was a measurable share of it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from pipeline.types import Transcript

Value = TypeVar("Value")
_MISSING = object()
# A call's values: (its transcript, key -> value).
_Entry = tuple[Transcript | None, dict[Hashable, Value]]


class PerCall(Generic[Value]):
    def __init__(self, kept: int = 8) -> None:
        self._kept = kept  # calls whose values are kept
        self._entries: dict[int, _Entry[Value]] = {}
        # the entry asked about last: one tuple, so that another thread replacing it never
        # pairs one call's transcript with another's values
        self._last: _Entry[Value] = (None, {})

    def get(self, transcript: Transcript, key: Hashable, make: Callable[[], Value]) -> Value:
        """The value for (transcript, key), made by `make()` the first time."""
        entry = self._last
        if entry[0] is not transcript:
            entry = self._entry(transcript)
        value = entry[1].get(key, _MISSING)
        if value is _MISSING:
            value = entry[1][key] = make()  # two threads may both make it: either will do
        return value  # type: ignore[return-value]  # not _MISSING any more

    def _entry(self, transcript: Transcript) -> _Entry[Value]:
        entry = self._entries.get(id(transcript))
        if entry is None or entry[0] is not transcript:
            entry = (transcript, {})
            if len(self._entries) >= self._kept:
                # the oldest goes; tolerant of another thread evicting at the same time
                oldest = next(iter(self._entries), None)
                if oldest is not None:
                    self._entries.pop(oldest, None)
            self._entries[id(transcript)] = entry
        self._last = entry
        return entry

    def clear(self) -> None:
        self._entries.clear()
        self._last = (None, {})
