"""Mono calls with known turns for the diarization tests and bench/bench_diarize.py.

Real clips of two different speakers of ../shared/corpus/zh, trimmed to their speech and placed
one after another with known pauses, mixed to one channel: every call knows who spoke when.
Channel 0 of a plan is the party tests treat as the agent, channel 1 the customer.

These are the calls the embedded diarizer's windows and thresholds were tuned on; the held-out
calls it is also checked on, never tuned on, are in tests/diarize_heldout.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.testing.callbuilder import PlacedTurn, PlannedTurn, build_call

AGENT, CUSTOMER = 0, 1
S0150 = [
    f"aishellsample_BAC009S0150W{n}.wav" for n in ("0001", "0121", "0161", "0241", "0281", "0013")
]
S0252 = [f"aishellsample_BAC009S0252W{n}.wav" for n in ("0122", "0126", "0176", "0251", "0007")]
NARRATOR = [f"mdviewer_5_3039_20231015{n}.wav" for n in ("000", "004", "005", "018", "026", "033")]
MOSS_1, MOSS_2 = "mossttsd_zh_spk1_moon.wav", "mossttsd_zh_spk2_moon.wav"
PAUSES = (0.6, 0.4, 0.9, 0.3, 0.7, 0.5, 1.0, 0.45, 0.8)


@dataclass(frozen=True)
class CallPlan:
    name: str
    sample_rate: int
    turns: tuple[tuple[str, int, tuple[float, float] | None], ...]  # (clip, channel, clip span)
    # Gap before each turn (negative: it starts before the previous one ends, an overlap);
    # PAUSES when not given.
    gaps: tuple[float, ...] | None = None
    noise_snr_db: float | None = None  # line noise this far below a typical turn


# Two short overlaps (the customer cuts in, the agent cuts back in) among ordinary pauses.
OVERLAPPING_GAPS = (0.6, 0.4, -0.5, 0.3, 0.7, -0.7, 1.0, 0.45, 0.8)


def _alternate(first: list[str], second: list[str]) -> tuple:
    turns = []
    for index in range(max(len(first), len(second))):
        if index < len(first):
            turns.append((first[index], AGENT, None))
        if index < len(second):
            turns.append((second[index], CUSTOMER, None))
    return tuple(turns)


TWO_PARTY_CALLS = (
    CallPlan("aishell-16k", 16_000, _alternate(S0150[:4], S0252[:4])),
    CallPlan("narrator-8k", 8_000, _alternate(NARRATOR[:4], S0252[1:4])),
    CallPlan(
        "aishell-overlap-noise-16k",
        16_000,
        _alternate(S0150[:4], S0252[:4]),
        gaps=OVERLAPPING_GAPS,
        noise_snr_db=20.0,
    ),
    CallPlan(
        "narrator-overlap-8k",
        8_000,
        _alternate(NARRATOR[2:], S0252[:4]),
        gaps=OVERLAPPING_GAPS,
        noise_snr_db=25.0,
    ),
    # Two livestream hosts; each clip is cut in three so that the floor changes five times.
    CallPlan(
        "livestream-8k",
        8_000,
        tuple(
            turn
            for a, b in zip(
                ((0.0, 3.2), (3.2, 6.4), (6.4, 9.6)), ((0.0, 2.9), (2.9, 5.8), (5.8, 8.7))
            )
            for turn in ((MOSS_1, AGENT, a), (MOSS_2, CUSTOMER, b))
        ),
    ),
    # The customer says one thing only (a few seconds in one turn): still a party of the call.
    CallPlan(
        "one-customer-turn-16k",
        16_000,
        (
            (S0150[3], AGENT, None),
            (S0150[4], AGENT, None),
            (S0252[4], CUSTOMER, None),
            (S0150[5], AGENT, None),
        ),
        noise_snr_db=25.0,
    ),
    # A short call: each party has only two turns.
    CallPlan(
        "short-turns-16k",
        16_000,
        (
            (NARRATOR[4], AGENT, None),
            (S0252[4], CUSTOMER, None),
            (NARRATOR[5], AGENT, None),
            (S0252[0], CUSTOMER, None),
        ),
    ),
)
ONE_SPEAKER_CALLS = (
    CallPlan("one-speaker-16k", 16_000, tuple((clip, AGENT, None) for clip in S0150)),
    CallPlan("one-speaker-8k", 8_000, tuple((clip, AGENT, None) for clip in NARRATOR)),
)


def build_mono(plan: CallPlan, corpus: Path) -> tuple[np.ndarray, list[PlacedTurn]]:
    """(mono samples at plan.sample_rate, placed turns)."""
    gaps = plan.gaps or PAUSES
    planned = [
        PlannedTurn(corpus / clip, channel, gaps[index % len(gaps)], clip_span=span)
        for index, (clip, channel, span) in enumerate(plan.turns)
    ]
    samples, placed = build_call(
        planned,
        sample_rate=plan.sample_rate,
        stereo=False,
        trim_to_speech=True,
        noise_snr_db=plan.noise_snr_db,
    )
    return samples[0], placed
