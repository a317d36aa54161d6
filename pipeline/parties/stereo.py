"""Who is on which channel: the stereo channel map, and merging per-party segments.

Call-center recorders usually write one party per channel; which channel carries the agent
is a site setting ([channels] agent_channel). Mono recordings are diarized instead (pipeline.parties.mono).
"""

from __future__ import annotations

from pipeline.types import PartyRoles, Role, Segment


def channel_roles(n_channels: int, agent_channel: int) -> list[tuple[str, Role]]:
    """(speaker label, role) per channel: `ch0`, `ch1` … as in the transcript JSON."""
    if n_channels == 1:
        return [("ch0", "unknown")]
    return [
        (f"ch{index}", "agent" if index == agent_channel else "customer")
        for index in range(n_channels)
    ]


def channel_party_roles(n_channels: int, agent_channel: int) -> PartyRoles:
    """The role decision of a recording whose parties are its channels (a mono one here is a
    mono call kept undiarized, [diarization] enabled = false: one speaker of unknown role)."""
    if n_channels == 1:
        return PartyRoles(
            "not diarized", reason="mono call not diarized ([diarization] enabled = false)"
        )
    return PartyRoles("channels", n_speakers=n_channels, agent_speaker=f"ch{agent_channel}")


def merge_by_time(*per_party: list[Segment]) -> list[Segment]:
    """Interleave the parties' segments into one conversation ordered by start time."""
    merged = [segment for segments in per_party for segment in segments]
    return sorted(merged, key=lambda s: (s.start, s.end, s.speaker))
