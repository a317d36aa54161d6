"""Customer emotion: `emotion.customer_negative` (anger, disgust, anxiety, with its span) and,
for a call where the customer was negative, whether they ended calmer (`emotion.customer_soothed`,
info) or not (`emotion.customer_not_soothed`, minor: the scorecard's 情绪安抚有效性 item).

Words: the DUTIR emotion ontology and lexicons/emotion_customer.txt (pipeline.detectors.emotion_lexicon),
scored per customer utterance by pipeline.detectors.emotion_text. Negative utterances less than
EPISODE_GAP_S apart are one episode, one finding, spanning them. The customer counts as soothed
when at least TAIL_UTTERANCES of their utterances after the last negative one are calm, or one
is and it accepts or thanks (谢谢, 好的, 没问题). The raised-voice signal is acoustic, so it is
combined after the acoustic stage (pipeline.detectors.emotion_voice): a negative episode said
loudly becomes major, and a raised voice after the last negative words undoes the soothing.
"""

from __future__ import annotations

from functools import partial

from pipeline.detectors.base import CallContext, DetectorSpec
from pipeline.detectors.emotion_lexicon import (
    EMOTION_FILE,
    EMOTION_ZH,
    EMOTIONS,
    EmotionLexicon,
    check_emotion_lexicon,
    emotion_lexicon_and_tokenizer,
    load_emotion_lexicon,
)
from pipeline.detectors.emotion_scan import SEPARATOR, candidate_starts, prefix_table
from pipeline.detectors.emotion_text import (
    NO_EMOTION,
    UtteranceEmotion,
    has_calm_cue,
    score_text,
    token_edges,
)
from pipeline.detectors.phrases.engine import role_text
from pipeline.detectors.phrases.negation import load_negation_cues
from pipeline.scoring.root_causes import root_cause_for
from pipeline.text.joined import JoinedSegments
from pipeline.text.spans import evidence_snippet, span_times
from pipeline.types import Finding, Segment

NEGATIVE = "emotion.customer_negative"
SOOTHED = "emotion.customer_soothed"
NOT_SOOTHED = "emotion.customer_not_soothed"
EPISODE_GAP_S = 30.0  # negative utterances closer than this are one episode
TAIL_UTTERANCES = 2  # calm customer utterances after the last negative one that show it passed

Scored = tuple[Segment, UtteranceEmotion]
# A customer utterance an emotion word was heard in (counted or not): its index among the
# customer's utterances, the utterance and its emotion.
Heard = tuple[int, Segment, UtteranceEmotion]


def words_heard(call: CallContext) -> tuple[JoinedSegments, dict[int, list[int]] | None]:
    """The customer's utterances (joined, as the phrase detectors share them) and, for those
    where an emotion word may start, where (None: search every utterance)."""
    said = role_text(call.transcript, "customer")
    lexicon = emotion_lexicon_and_tokenizer(str(call.lexicon_dir))
    return said, candidate_starts(said, lexicon)


def score_segments(
    call: CallContext, said: JoinedSegments, found: dict[int, list[int]] | None
) -> list[Heard]:
    """The customer utterances an emotion word was heard in, with their emotion, in time
    order; every other utterance has none (NO_EMOTION)."""
    lexicon_dir = str(call.lexicon_dir)
    lexicon = emotion_lexicon_and_tokenizer(lexicon_dir)
    negation = load_negation_cues(lexicon_dir)
    boundaries = partial(token_edges, lexicon_dir)
    segments = said.segments
    if found is None:
        places: dict[int, list[int] | None] = dict.fromkeys(range(len(segments)))
    else:
        places = dict(sorted(found.items()))
    heard: list[Heard] = []
    for index, starts in places.items():
        segment = segments[index]
        emotion = score_text(segment.text, lexicon, negation, boundaries, starts)
        if emotion is not NO_EMOTION:  # most places: a word's first characters, not the word
            heard.append((index, segment, emotion))
    return heard


def episodes(heard: list[Heard]) -> list[list[Scored]]:
    groups: list[list[Scored]] = []
    for _, segment, emotion in heard:
        if not emotion.negative:
            continue
        if groups and segment.start - groups[-1][-1][0].end <= EPISODE_GAP_S:
            groups[-1].append((segment, emotion))
        else:
            groups.append([(segment, emotion)])
    return groups


def _finding(call: CallContext, category: str, rule_id: str, **fields) -> Finding:
    return Finding(
        call_id=call.call_id,
        category=category,
        rule_id=rule_id,
        root_cause=root_cause_for(call.lexicon_dir, rule_id),
        ruleset_version=call.ruleset_version,
        **fields,
    )


def episode_finding(call: CallContext, episode: list[Scored]) -> Finding:
    totals = {e: round(sum(em.scores.get(e, 0.0) for _, em in episode), 2) for e in EMOTIONS}
    emotion = max(EMOTIONS, key=lambda e: totals[e])
    matches = []
    for segment, utterance in episode:
        masked = call.masked_text(segment)
        for hit in utterance.hits:
            start_s, end_s = span_times(segment, hit.start, hit.end)
            matches.append(
                {
                    "rule_id": f"emotion.{hit.emotion}",
                    "severity": "minor",
                    "phrase": hit.word,
                    "heard": masked[hit.start : hit.end],
                    "weight": hit.weight,
                    "intensifier": hit.intensifier,
                    "start_s": round(start_s, 2),
                    "end_s": round(end_s, 2),
                    "lexicon": hit.source,
                }
            )
    segment, strongest = max(episode, key=lambda pair: pair[1].total)
    hit = max(strongest.hits, key=lambda h: h.weight)
    return _finding(
        call,
        NEGATIVE,
        f"emotion.{emotion}",
        severity="minor",
        role="customer",
        start_s=round(episode[0][0].start, 2),
        end_s=round(episode[-1][0].end, 2),
        evidence=evidence_snippet(
            segment.text, hit.start, hit.end, masked=call.masked_text(segment)
        ),
        details={
            "emotion": emotion,
            "emotion_zh": EMOTION_ZH[emotion],
            "scores": totals,
            "peak": max(utterance.total for _, utterance in episode),
            "utterances": len(episode),
            "matches": matches,
            "raised_voice": [],  # the loud turns, filled in by emotion_voice.with_voice
            "lexicon": EMOTION_FILE,
        },
    )


def soothing_finding(
    call: CallContext,
    said: tuple[Segment, ...],
    heard: list[Heard],
    groups: list[list[Scored]],
) -> Finding:
    """Whether the customer, negative at some point, ended calmer than that (`said`: all the
    customer's utterances)."""
    lexicon = load_emotion_lexicon(str(call.lexicon_dir))
    last_negative = next(index for index, _, emotion in reversed(heard) if emotion.negative)
    after = said[last_negative + 1 :]
    # one search over their texts joined: no calm cue holds a line break, so none spans two
    calm_cue = has_calm_cue("\n".join(segment.text for segment in after), lexicon)
    soothed = len(after) >= TAIL_UTTERANCES or (bool(after) and calm_cue)
    first = groups[0][0]
    last_end = said[last_negative].end
    start_emotion = first[1].emotion or "anger"
    n_negative = sum(len(group) for group in groups)
    head = f"客户{EMOTION_ZH[start_emotion]}（负面 {n_negative} 句）"
    if soothed:
        evidence = (
            f"{head}，之后 {len(after)} 句平稳" + ("并表示接受" if calm_cue else "") + "：已安抚"
        )
    elif after:
        evidence = f"{head}，之后仅 {len(after)} 句且未表示接受：未见平复"
    else:
        evidence = f"{head}，负面情绪持续到客户最后一句：未安抚"
    return _finding(
        call,
        SOOTHED if soothed else NOT_SOOTHED,
        "soothing.soothed" if soothed else "soothing.not_soothed",
        severity="info" if soothed else "minor",
        role="agent",
        start_s=round(first[0].start, 2),
        end_s=round(said[-1].end, 2),
        evidence=evidence,
        details={
            "soothed": soothed,
            "start_emotion": start_emotion,
            "first_negative_s": round(first[0].start, 2),
            "last_negative_end_s": round(last_end, 2),
            "negative_utterances": n_negative,
            "episodes": len(groups),
            # the strongest utterance is a negative one (any other totals less than one)
            "peak": max(emotion.total for group in groups for _, emotion in group),
            "customer_utterances_after": len(after),
            "calm_cue_after": calm_cue,
            "raised_voice_after": [],
        },
    )


def detect(call: CallContext) -> list[Finding]:
    said, found = words_heard(call)
    if found == {}:  # most calls: no emotion word anywhere in the customer's speech
        return []
    heard = score_segments(call, said, found)
    groups = episodes(heard)
    if not groups:
        return []
    return [
        *(episode_finding(call, group) for group in groups),
        soothing_finding(call, said.segments, heard, groups),
    ]


def check_setup(lexicon_dir: str) -> EmotionLexicon:
    """The lexicon's set-up check, with its prefix table built before the first call."""
    lexicon = check_emotion_lexicon(lexicon_dir)
    prefix_table(lexicon, SEPARATOR)
    return lexicon


DETECTOR = DetectorSpec(
    name="emotion",
    detect=detect,
    check_setup=check_setup,
    categories=(NEGATIVE, SOOTHED, NOT_SOOTHED),
    party_categories=(NEGATIVE, SOOTHED, NOT_SOOTHED),  # the customer's words only
)
