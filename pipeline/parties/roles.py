"""Which diarized speaker is the agent: from what they say and how they speak, with a confidence.

What they say is the strong evidence. An agent opens with a scripted greeting (the accepted
wordings of lexicons/script_opening.txt, matched like the script detector matches them, within
[script] opening_window_s of the speaker's first words), states a staff number (工号), offers
service (为您服务, 请问有什么可以帮您, 请稍等 …) and closes with the script (script_closing.txt).
A customer asks (我想咨询, 我的卡, 你们 …). How they speak is weak evidence that only sharpens
or softens the confidence: the agent usually speaks first (answers with the greeting) and holds
a fair share of the talk.

Each cue adds points; the agent is the speaker with the most, and the confidence grows with its
lead over the next speaker (a logistic of the lead). No cue in anyone's words → every speaker
stays `unknown`: talk share and who spoke first alone are too weak to name the agent, and a
wrong role would put the customer's words through the agent's rules.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.detectors import script_compliance
from pipeline.detectors.phrases import engine as phrase_rules
from pipeline.detectors.registry import phrase_book
from pipeline.text.spans import span_times
from pipeline.types import Role, Segment

OPENING_POINTS = 3.0
CLOSING_POINTS = 1.0
# (substring, points, cue name): said anywhere by the speaker. Agent phrases are positive,
# customer phrases negative; each counts once, and each side is capped so one chatty turn cannot
# decide. The name is what decisions, logs and the store show: never the words heard (they are
# the speaker's, and the text around a cue can hold a number).
AGENT_PHRASES: tuple[tuple[str, float, str], ...] = (
    ("工号", 2.0, "staff_number"),
    ("为您服务", 2.0, "at_your_service"),
    ("有什么可以帮", 1.0, "offer_help"),
    ("有什么能帮", 1.0, "offer_help"),
    ("请您稍等", 1.0, "please_wait"),
    ("请稍等", 1.0, "please_wait"),
    ("帮您查", 1.0, "look_up"),
    ("为您查", 1.0, "look_up"),
    ("给您查", 1.0, "look_up"),
    ("为您办理", 1.0, "handle_for_you"),
    ("帮您办理", 1.0, "handle_for_you"),
    ("给您办理", 1.0, "handle_for_you"),
    ("您的来电", 1.0, "your_call"),
)
CUSTOMER_PHRASES: tuple[tuple[str, float, str], ...] = (
    ("我想咨询", -1.0, "customer_inquiry"),
    ("我想问", -1.0, "customer_question"),
    ("我想了解", -1.0, "customer_wants_to_know"),
    ("我要投诉", -1.0, "customer_complaint"),
    ("我的卡", -1.0, "customer_my_card"),
    ("我的账户", -1.0, "customer_my_account"),
    ("我的订单", -1.0, "customer_my_order"),
    ("你们", -1.0, "customer_you_company"),
)
AGENT_PHRASES_CAP, CUSTOMER_PHRASES_CAP = 4.0, -2.0
# Both parties say goodbye: a closing match of this alone says nothing about the role.
NEUTRAL_CLOSINGS = frozenset({"再见"})
SPOKE_FIRST_POINTS = 0.3  # ± for the candidate speaking first / not first
TALK_SHARE_POINTS = 0.3  # × (share - 0.5) / 0.5: more talk, a little more agent-like
CONFIDENCE_OFFSET = 0.5  # a lead of 0.5 points is a coin toss
# Words come through ASR and diarization, both fallible: no lead makes the role certain.
MAX_CONFIDENCE = 0.99


@dataclass(frozen=True)
class SpeakerEvidence:
    speaker: str
    talk_s: float
    talk_share: float
    first_start: float
    cues: tuple[tuple[str, float], ...]  # (cue name, points): names, never the words heard

    @property
    def text_points(self) -> float:
        return sum(points for _, points in self.cues)


@dataclass(frozen=True)
class RoleDecision:
    roles: dict[str, Role]
    agent: str | None  # None: unknown
    confidence: float  # of the agent being `agent`; 0 when there is no candidate
    reason: str  # cue names and figures only: safe to log and store
    evidence: tuple[SpeakerEvidence, ...] = field(default_factory=tuple)
    # The likeliest agent, also when not sure enough to name it (None: no candidate at all).
    candidate: str | None = None

    @property
    def cue_names(self) -> tuple[str, ...]:
        """Names of the cues heard from the agent (or the likeliest agent), each once."""
        of = self.agent or self.candidate
        cues = next((e.cues for e in self.evidence if e.speaker == of), ())
        return tuple(dict.fromkeys(name for name, _ in cues))


def _opening_and_closing(
    segments: Sequence[Segment], lexicon_dir: str, opening_window_s: float
) -> list[tuple[str, float]]:
    book = phrase_book(lexicon_dir)
    opening_rules, closing_rules = script_compliance.load_rules(lexicon_dir)
    joined = phrase_rules.joined_text(segments)
    if not joined.segments:
        return []
    cues = []
    opening_end = joined.segments[0].start + opening_window_s
    for match in phrase_rules.iter_matches(opening_rules, joined, book):
        start = span_times(match.segment, match.start, match.end)[0]
        if start <= opening_end:
            cues.append(("opening", OPENING_POINTS))
            break
    for match in phrase_rules.iter_matches(closing_rules, joined, book):
        if match.rule.phrase not in NEUTRAL_CLOSINGS:
            cues.append(("closing", CLOSING_POINTS))
            break
    return cues


def _phrase_cues(
    text: str, phrases: tuple[tuple[str, float, str], ...], cap: float
) -> list[tuple[str, float]]:
    cues, total = [], 0.0
    for phrase, points, name in phrases:
        if phrase in text and abs(total + points) <= abs(cap):
            cues.append((name, points))
            total += points
    return cues


def gather_evidence(
    segments: Sequence[Segment], lexicon_dir: Path | str, opening_window_s: float
) -> list[SpeakerEvidence]:
    """What each speaker said and how much they spoke, in order of first speech."""
    by_speaker: dict[str, list[Segment]] = {}
    for segment in sorted(segments, key=lambda s: s.start):
        if segment.text.strip():
            by_speaker.setdefault(segment.speaker, []).append(segment)
    talk = {speaker: sum(s.end - s.start for s in own) for speaker, own in by_speaker.items()}
    total = sum(talk.values()) or 1.0
    evidence = []
    for speaker, own in by_speaker.items():
        text = "".join(s.text for s in own)
        cues = _opening_and_closing(own, str(lexicon_dir), opening_window_s)
        cues += _phrase_cues(text, AGENT_PHRASES, AGENT_PHRASES_CAP)
        cues += _phrase_cues(text, CUSTOMER_PHRASES, CUSTOMER_PHRASES_CAP)
        evidence.append(
            SpeakerEvidence(
                speaker,
                round(talk[speaker], 3),
                round(talk[speaker] / total, 3),
                own[0].start,
                tuple(cues),
            )
        )
    return evidence


def decide_roles(
    segments: Sequence[Segment],
    lexicon_dir: Path | str,
    opening_window_s: float = 15,
    min_confidence: float = 0.75,
) -> RoleDecision:
    """Name the agent among the speakers of `segments`, or leave every role unknown."""
    evidence = gather_evidence(segments, lexicon_dir, opening_window_s)
    unknown: dict[str, Role] = {e.speaker: "unknown" for e in evidence}
    if not evidence or all(e.text_points == 0 for e in evidence):
        return RoleDecision(
            unknown, None, 0.0, "no agent or customer cue in what anyone said", tuple(evidence)
        )
    first_speaker = min(evidence, key=lambda e: e.first_start).speaker

    def manner(e: SpeakerEvidence) -> float:
        spoke_first = SPOKE_FIRST_POINTS if e.speaker == first_speaker else -SPOKE_FIRST_POINTS
        return spoke_first + TALK_SHARE_POINTS * (e.talk_share - 0.5) / 0.5

    ranked = sorted(evidence, key=lambda e: (e.text_points, manner(e)), reverse=True)
    candidate = ranked[0]
    runner_up = ranked[1].text_points if len(ranked) > 1 else 0.0
    lead = candidate.text_points - runner_up
    if lead <= 0 or candidate.text_points < 0:
        return RoleDecision(
            unknown, None, 0.0, "the speakers' words do not tell the agent apart", tuple(evidence)
        )
    confidence = round(
        min(MAX_CONFIDENCE, 1 / (1 + math.exp(-(lead + manner(candidate) - CONFIDENCE_OFFSET)))), 3
    )
    heard = (
        "; ".join(f"{name} ({points:+g})" for name, points in candidate.cues)
        or "the other speaker's words"
    )
    reason = f"{candidate.speaker} is the agent: {heard}; talks {candidate.talk_share:.0%}"
    if confidence < min_confidence:
        return RoleDecision(
            unknown,
            None,
            confidence,
            f"not sure enough ({confidence:.2f} < {min_confidence}): {reason}",
            tuple(evidence),
            candidate.speaker,
        )
    roles: dict[str, Role] = {
        e.speaker: ("agent" if e.speaker == candidate.speaker else "customer") for e in evidence
    }
    return RoleDecision(
        roles, candidate.speaker, confidence, reason, tuple(evidence), candidate.speaker
    )


def apply_roles(segments: Sequence[Segment], decision: RoleDecision) -> list[Segment]:
    return [replace(s, role=decision.roles.get(s.speaker, "unknown")) for s in segments]
