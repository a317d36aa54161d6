"""Acoustic analysis of one call: who spoke when, silences and holds, overlaps, rates, loudness.

One public entry point, `analyse_call(audio, transcript, options)`, returns an `AcousticResult`:
per-party speech activity, gaps, overlaps, per-turn measures, the `CallMetrics` stored per call,
and the `silence.*`, `speech_rate.*`, `overlap.interruption` and `loudness.raised_voice` findings.

Stereo calls get activity per channel (one party per channel, `agent_channel` says which).
Mono calls get speech activity from the one channel, split between parties by the speaker
turns given (diarization), else by the roles of the transcript segments; without either, all
speech belongs to one `unknown` party and per-party figures stay empty. The transcript's
overlaps (a speaker talking while another holds the floor) belong to the overlapping party as
well, so interruptions and overlap time come out as in stereo calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.acoustics.activity import (
    Span,
    intersect,
    merge_close,
    music_spans,
    speech_spans,
    subtract,
    total,
    union,
)
from pipeline.acoustics.features import channel_features, to_analysis_rate
from pipeline.acoustics.findings import acoustic_findings
from pipeline.acoustics.operational import timing_metrics
from pipeline.acoustics.results import AcousticResult, Gap, GapKind, Overlap, PartyActivity
from pipeline.acoustics.turns import (
    TurnMeasure,
    assign_units,
    backchannel_pattern,
    measure_turn,
    rate_eligible,
    transcript_units,
)
from pipeline.options import AcousticOptions
from pipeline.parties.stereo import channel_roles
from pipeline.types import Audio, CallMetrics, FindingRole, RateBaseline, Role, Transcript, Turn


def analyse_call(
    audio: Audio,
    transcript: Transcript | None,
    options: AcousticOptions = AcousticOptions(),
    *,
    agent_channel: int = 0,
    turns: Sequence[Turn] | None = None,
    rate_baseline: RateBaseline | None = None,
    call_id: str | None = None,
    ruleset_version: str | None = None,
    lexicon_dir: Path | None = None,
) -> AcousticResult:
    """Measure the call and derive the acoustic findings.

    `turns` (mono only) are diarization turns with roles. `rate_baseline` is the agent's usual
    rate from the store, if known. `lexicon_dir` maps rule ids to root causes (root_causes.txt).
    """
    channels = [to_analysis_rate(samples, audio.sample_rate) for samples in audio.channels]
    features = [channel_features(samples) for samples in channels]
    speech_by_channel = [speech_spans(f, options) for f in features]
    music = union(*(music_spans(f, s, options) for f, s in zip(features, speech_by_channel)))
    parties = _parties(audio, transcript, turns, agent_channel, speech_by_channel, options)
    music = subtract(music, union(*(list(p.speech) for p in parties)))

    units = transcript_units(transcript.segments) if transcript is not None else []
    party_turns = [(party, span) for party in parties for span in party.turns]
    texts = assign_units(units, [(party.role, span) for party, span in party_turns])
    pattern = backchannel_pattern(options.backchannels)
    speech_in_turns = [inside for party in parties for inside in _speech_by_turn(party)]
    measures = tuple(
        measure_turn(
            party.role,
            party.speaker,
            span,
            inside,
            text,
            channels[party.channel],
            features[party.channel],
            pattern,
        )
        for (party, span), inside, text in zip(party_turns, speech_in_turns, texts)
    )
    gaps = tuple(_gaps(parties, music, options))
    overlaps = tuple(_overlaps(parties))
    metrics = _metrics(audio.duration_s, parties, gaps, overlaps, music, measures, options)
    result = AcousticResult(
        call_id=call_id if call_id is not None else (transcript.call_id if transcript else ""),
        parties=parties,
        gaps=gaps,
        overlaps=overlaps,
        turns=measures,
        music=tuple(music),
        metrics=metrics,
    )
    findings = acoustic_findings(result, options, rate_baseline, ruleset_version, lexicon_dir)
    return replace(result, findings=tuple(findings))


def _parties(
    audio: Audio,
    transcript: Transcript | None,
    turns: Sequence[Turn] | None,
    agent_channel: int,
    speech_by_channel: list[list[Span]],
    options: AcousticOptions,
) -> tuple[PartyActivity, ...]:
    def party(role: Role, speaker: str, channel: int, speech: list[Span]) -> PartyActivity:
        return PartyActivity(
            role, speaker, channel, tuple(speech), tuple(merge_close(speech, options.turn_pause_s))
        )

    if len(audio.channels) >= 2:
        return tuple(
            party(role, speaker, index, speech_by_channel[index])
            for index, (speaker, role) in enumerate(
                channel_roles(len(audio.channels), agent_channel)
            )
        )
    speech = speech_by_channel[0]
    if not turns and transcript is not None:
        # No diarization: the transcript's own roles are the best split there is.
        turns = [
            Turn(s.start, s.end, s.speaker, s.role)
            for s in transcript.segments
            if s.role != "unknown"
        ]
    if not turns:
        return (party("unknown", "ch0", 0, speech),)
    # Turns are exclusive (a word has one speaker); where the diarizer heard a second voice, that
    # speaker speaks too, so both parties hold the span, as two channels would show it.
    overlapped = [o for o in (transcript.overlaps if transcript else ()) if o.role != "unknown"]
    parties = []
    for role in ("agent", "customer"):
        own = [t for t in (*turns, *overlapped) if t.role == role]
        if own:
            spans = [Span(t.start, t.end) for t in own]
            parties.append(party(role, own[0].speaker, 0, intersect(speech, spans)))
    return tuple(parties)


def _speech_by_turn(party: PartyActivity) -> list[list[Span]]:
    """The party's speech spans grouped by the turn holding them (both lists are sorted)."""
    groups: list[list[Span]] = [[] for _ in party.turns]
    index = 0
    for span in party.speech:
        while index < len(party.turns) - 1 and span.start >= party.turns[index].end:
            index += 1
        if groups:
            groups[index].append(span)
    return groups


def _expected_role(before: Role | None, after: Role | None) -> FindingRole:
    """Whose silence a gap is: the agent's at the call start; a party's who holds the floor
    across it (speaks before and after); otherwise the party who was to answer."""
    if before is None:
        return "agent"
    if before == after and before != "unknown":
        return before
    answerer: dict[Role, FindingRole] = {"agent": "customer", "customer": "agent"}
    return answerer.get(before, "both")


def _gaps(
    parties: Sequence[PartyActivity], music: list[Span], options: AcousticOptions
) -> list[Gap]:
    """Gaps between speech, and before the first words; the tail after the last words is the
    recorder running on after hang-up and is non-talk time but not a gap."""
    labelled = sorted(
        ((span, party.role) for party in parties for span in party.speech), key=lambda x: x[0].start
    )
    if not labelled:
        return []
    # One sweep: for each stretch of talk (speech of anyone, merged), who spoke first and last.
    stretches: list[tuple[Span, Role, Role]] = []  # (stretch, first role, last role)
    for span, role in labelled:
        if stretches and span.start <= stretches[-1][0].end:
            stretch, first_role, last_role = stretches[-1]
            if span.end >= stretch.end:
                last_role = role
            stretches[-1] = (Span(stretch.start, max(stretch.end, span.end)), first_role, last_role)
        else:
            stretches.append((span, role, role))
    previous: list[tuple[float, Role | None]] = [(0.0, None)] + [
        (st.end, last) for st, _, last in stretches
    ]
    gaps = []
    for (gap_start, before), (stretch, after, _) in zip(previous, stretches):
        if stretch.start <= gap_start:
            continue
        gap = Span(gap_start, stretch.start)
        music_s = round(total(intersect([gap], music)), 3)
        if music_s >= options.hold_music_min_s and music_s >= 0.5 * gap.duration:
            kind: GapKind = "music_hold"
        elif gap.duration >= options.hold_s:
            kind = "silent_hold"
        elif gap.duration >= options.dead_air_s:
            kind = "dead_air"
        else:
            kind = "pause"
        gaps.append(
            Gap(gap.start, gap.end, before, after, _expected_role(before, after), music_s, kind)
        )
    return gaps


def _overlaps(parties: Sequence[PartyActivity]) -> list[Overlap]:
    by_role = {party.role: party for party in parties}
    agent, customer = by_role.get("agent"), by_role.get("customer")
    if agent is None or customer is None:
        return []
    overlaps = []
    for span in intersect(list(agent.speech), list(customer.speech)):
        agent_turn = next(
            t for t in agent.turns if t.start <= span.start + 1e-6 and t.end >= span.end - 1e-6
        )
        customer_turn = next(
            t for t in customer.turns if t.start <= span.start + 1e-6 and t.end >= span.end - 1e-6
        )
        if agent_turn.start > customer_turn.start:
            overlaps.append(Overlap(span.start, span.end, "agent", agent_turn, customer_turn))
        else:
            overlaps.append(Overlap(span.start, span.end, "customer", customer_turn, agent_turn))
    return overlaps


def _metrics(
    duration_s: float,
    parties: Sequence[PartyActivity],
    gaps: Sequence[Gap],
    overlaps: Sequence[Overlap],
    music: list[Span],
    turns: Sequence[TurnMeasure],
    options: AcousticOptions,
) -> CallMetrics:
    talk = {role: 0.0 for role in ("agent", "customer", "unknown")}
    for party in parties:
        talk[party.role] += party.talk_s
    non_talk = max(0.0, duration_s - total([span for party in parties for span in party.speech]))
    rated = [t for t in turns if t.role == "agent" and rate_eligible(t, options)]
    voiced = sum(t.voiced_s for t in rated)
    with_text = [t for t in rated if t.chars is not None]
    hold_s = round(sum(g.duration for g in gaps if g.kind.endswith("_hold")), 3)
    speech = [(party.role, span) for party in parties for span in party.speech]
    return CallMetrics(
        duration_s=round(duration_s, 3),
        agent_talk_s=round(talk["agent"], 3),
        customer_talk_s=round(talk["customer"], 3),
        unknown_talk_s=round(talk["unknown"], 3),
        non_talk_s=round(non_talk, 3),
        non_talk_share=round(non_talk / duration_s, 4) if duration_s > 0 else 0.0,
        max_gap_s=max((g.duration for g in gaps), default=0.0),
        gaps_over_5s=sum(g.duration > 5.0 for g in gaps),
        gaps_over_10s=sum(g.duration > 10.0 for g in gaps),
        overlap_s=round(sum(o.duration for o in overlaps), 3),
        agent_customer_talk_ratio=round(talk["agent"] / talk["customer"], 3)
        if talk["customer"] > 0
        else None,
        hold_s=hold_s,
        music_s=round(total(music), 3),
        agent_chars_per_min=(
            round(
                60
                * sum(t.chars for t in with_text if t.chars is not None)  # all have chars
                / sum(t.voiced_s for t in with_text),
                1,
            )
            if with_text
            else None
        ),
        agent_syllables_per_min=round(60 * sum(t.syllables for t in rated) / voiced, 1)
        if voiced > 0
        else None,
        **timing_metrics(duration_s, speech, turns, music, hold_s),
    )
