"""What several detectors of one call share: the last few calls' values of a computation.

The detectors of a call run one after the other on the same Transcript, and several of them need
the same derived value (a party's joined text, the phrase model's scores). A PerCall keeps the
last few, keyed by id() of the transcript and whatever else the value depends on, with the
transcript kept alongside: an id is never reused while its entry lives, so a hit is the same
object, never a new call that happens to sit at the same address.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from pipeline.types import Transcript

Value = TypeVar("Value")


class PerCall(Generic[Value]):
    def __init__(self, kept: int = 16) -> None:
        self._kept = kept
        self._entries: dict[tuple[int, Hashable], tuple[Transcript, Value]] = {}

    def get(self, transcript: Transcript, key: Hashable, make: Callable[[], Value]) -> Value:
        """The value for (transcript, key), made by `make()` the first time."""
        entry = self._entries.get((id(transcript), key))
        if entry is not None and entry[0] is transcript:
            return entry[1]
        value = make()
        if len(self._entries) >= self._kept:
            # the oldest goes; tolerant of another thread evicting at the same time
            oldest = next(iter(self._entries), None)
            if oldest is not None:
                self._entries.pop(oldest, None)
        self._entries[(id(transcript), key)] = (transcript, value)
        return value

    def clear(self) -> None:
        self._entries.clear()
