"""Rebuild data/samples/ from the shared Mandarin corpus (../shared/corpus/zh).

Only clips whose licence allows redistribution (Apache-2.0 / BSD / MIT rows of the corpus
manifest) are used; data/README.md attributes them. The outputs are committed, so users
need neither this script nor the corpus: it documents how the samples were made.

    .venv/bin/python data/build_samples.py [--corpus ../shared/corpus/zh]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from pipeline.testing.callbuilder import PlannedTurn, build_call, write_call

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus" / "zh"

AGENT, CUSTOMER = 0, 1

# call_id -> (file suffix, sample rate, [(clip, channel, gap before in s)])
CALLS = {
    # A greeting by the agent, a customer question, the agent's answer. 16 kHz WAV.
    "20261121-000001": (
        ".wav",
        16_000,
        [
            ("mdviewer_5_3039_20231015000.wav", AGENT, 0.0),
            ("fireredtts2_zh_S2.flac", CUSTOMER, 0.8),
            ("mdviewer_5_3039_20231015004.wav", AGENT, 1.2),
            ("mdviewer_5_3039_20231015005.wav", AGENT, 0.4),
        ],
    ),
    # Telephone quality (8 kHz), with a 6 s stretch of dead air before the agent answers.
    "20261121-000002": (
        ".wav",
        8_000,
        [
            ("mossttsd_zh_spk2_moon.wav", CUSTOMER, 0.0),
            ("mossttsd_zh_spk1_moon.wav", AGENT, 6.0),
        ],
    ),
    # FLAC, a customer who talks more than the agent.
    "20261122-000003": (
        ".flac",
        16_000,
        [
            ("wenet_aishell-BAC009S0724W0121.wav", AGENT, 0.0),
            ("fireredtts2_zh_S1.flac", CUSTOMER, 0.7),
            ("speechrec_chinese.flac", AGENT, 0.9),
        ],
    ),
    # Ogg Vorbis at 16 kHz, three agent turns around one customer turn.
    "20261122-000004": (
        ".ogg",
        16_000,
        [
            ("mdviewer_5_3039_20231015018.wav", AGENT, 0.0),
            ("fireredasr_BAC009S0764W0121.wav", CUSTOMER, 1.0),
            ("mdviewer_5_3039_20231015026.wav", AGENT, 2.5),
            ("mdviewer_5_3039_20231015033.wav", AGENT, 0.5),
        ],
    ),
}

METADATA = {
    "20261121-000001": ("A017", "2026-11-21T09:14:03+08:00"),
    "20261121-000002": ("A023", "2026-11-21T10:02:45+08:00"),
    "20261122-000003": ("A017", "2026-11-22T14:31:10+08:00"),
    "20261122-000004": ("A031", "2026-11-22T16:05:58+08:00"),
}

AGENTS = [
    ("A017", "王丽", "金融一组", "2023-03-01"),
    ("A023", "陈强", "金融一组", "2025-09-15"),
    ("A031", "刘洋", "信用卡二组", "2026-10-08"),
]

PERMISSIVE = ("Apache-2.0", "BSD", "MIT")
RESTRICTED = ("non-commercial", "academic", "GPL", "no LICENSE")


def redistributable(licence: str) -> bool:
    return any(word in licence for word in PERMISSIVE) and not any(
        word in licence for word in RESTRICTED
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=HERE / "samples")
    args = parser.parse_args()
    with open(args.corpus / "manifest.tsv", encoding="utf-8") as handle:
        manifest = {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}
    for call_id, (suffix, rate, plan) in CALLS.items():
        turns = []
        for clip, channel, gap in plan:
            row = manifest[clip]
            if not redistributable(row["license"]):
                raise SystemExit(
                    f"{clip}: licence {row['license']!r} does not allow redistribution"
                )
            turns.append(PlannedTurn(args.corpus / clip, channel, gap, row["reference_text"]))
        samples, placed = build_call(turns, sample_rate=rate)
        write_call(args.out / f"{call_id}{suffix}", samples, rate, placed)
        print(f"{call_id}{suffix}: {samples.shape[1] / rate:.1f} s, {len(placed)} turns")
    with open(args.out / "calls.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["call_id", "agent_id", "started_at"])
        for call_id, (agent_id, started_at) in METADATA.items():
            writer.writerow([call_id, agent_id, started_at])
    with open(args.out / "agents.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["agent_id", "name", "team", "hire_date"])
        writer.writerows(AGENTS)


if __name__ == "__main__":
    main()
