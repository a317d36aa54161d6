"""Held-out mono calls for the diarization tests: built like tests/diarize_calls.py, from clips
and speaker pairs the embedded diarizer was never tuned on. Figures on these are reported in
bench/RESULTS.md before and after a change of the diarizer; nothing is tuned to them.

Among them the two AISHELL voices that the GE2E encoder merged into one (S0150 and S0252, on
clips the tuning calls do not use), at 16 and 8 kHz, with line noise and short overlaps.
"""

from __future__ import annotations

from tests.diarize_calls import AGENT, CUSTOMER, CallPlan

S0150_HELD_OUT = [f"aishellsample_BAC009S0150W00{n}.wav" for n in range(82, 88)]
S0252_HELD_OUT = [f"aishellsample_BAC009S0252W00{n}.wav" for n in range(90, 96)]
TTS_1, TTS_2 = "fireredtts2_zh_S1.flac", "fireredtts2_zh_S2.flac"
# Two AISHELL speakers no tuning call uses: S0764 (two clips) and S0724 (one).
S0764 = ["asrabc_BAC009S0764W0143.wav", "fireredasr_BAC009S0764W0121.wav"]
S0724 = "wenet_aishell-BAC009S0724W0121.wav"


def _interleave(first, second) -> tuple:
    turns = []
    for a, b in zip(first, second):
        turns += [(a, AGENT, None), (b, CUSTOMER, None)]
    return tuple(turns)


HELD_OUT_TWO_PARTY = (
    CallPlan(
        "heldout-aishell-16k",
        16_000,
        _interleave(S0150_HELD_OUT, S0252_HELD_OUT),
        gaps=(0.5, 0.8, 0.35, -0.4, 0.6, 0.9, 0.4, -0.6, 0.7, 0.5, 0.3, 1.1),
        noise_snr_db=22.0,
    ),
    CallPlan(
        "heldout-aishell-8k",
        8_000,
        _interleave(S0252_HELD_OUT[::-1], S0150_HELD_OUT[::-1]),
        gaps=(0.7, 0.4, -0.5, 0.6, 0.3, 0.8, -0.3, 0.5, 0.9, 0.4, 0.6, 0.5),
        noise_snr_db=18.0,
    ),
    # Two synthetic voices, cut so that the floor changes often.
    CallPlan(
        "heldout-tts-16k",
        16_000,
        (
            (TTS_1, AGENT, (0.0, 4.0)),
            (TTS_2, CUSTOMER, (0.0, 2.6)),
            (TTS_1, AGENT, (4.0, 8.0)),
            (TTS_2, CUSTOMER, (2.6, 5.2)),
            (TTS_1, AGENT, (8.0, 11.9)),
        ),
        gaps=(0.6, 0.5, -0.4, 0.7, 0.4),
        noise_snr_db=25.0,
    ),
    CallPlan(
        "heldout-s0764-s0724-8k",
        8_000,
        ((S0764[0], AGENT, None), (S0724, CUSTOMER, None), (S0764[1], AGENT, None)),
        gaps=(0.5, 0.6, -0.4),
        noise_snr_db=20.0,
    ),
)
HELD_OUT_ONE_SPEAKER = (
    CallPlan(
        "heldout-one-speaker-8k",
        8_000,
        tuple((clip, AGENT, None) for clip in S0252_HELD_OUT),
        noise_snr_db=20.0,
    ),
    CallPlan(
        "heldout-one-speaker-16k",
        16_000,
        tuple((clip, AGENT, None) for clip in S0150_HELD_OUT),
        noise_snr_db=15.0,
    ),
)
