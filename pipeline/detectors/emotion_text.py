"""One customer utterance -> its emotion: the emotion words heard, with negation, reported speech
and intensity applied (pipeline/detectors/emotion.py groups utterances into findings).

An emotion word counts where it starts and ends on jieba token edges (慌 is not inside 恐慌症's
neighbour words, 生气 not inside 生气勃勃), unless a negation cue stands up to two characters
before it in its clause (我不生气, 一点都不急, 不用担心) or a quote cue earlier in its clause makes
it someone else's (我妈说她很担心). An intensifier right before it (非常, 有点) or right after it
(气死了, 烂透了) scales its weight. The utterance is negative when the weights add up to
NEGATIVE_AT; its emotion is the one with the largest sum.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from operator import add

from pipeline.detectors.emotion_lexicon import EMOTIONS, EmotionLexicon
from pipeline.detectors.phrases.negation import NegationCues
from pipeline.text.lexicon import tokenizer

# A weight total that makes an utterance negative: one plain emotion word of the ontology.
NEGATIVE_AT = 1.0
NEGATION_BEFORE = 2  # characters before a word searched for a negation cue (不, 没, 别 …)
DEGREE_REACH = 2  # an intensifier may end this many characters before the word (非常地生气)
_PROHIBITIVE = re.compile("别|不要|甭")
_A_NOT_A = re.compile("是不是|能不能|会不会|要不要|有没有")
_SENTENCE_END = re.compile(r"[。.！!？?；;]")
_CLAUSE_BREAK = re.compile(r"[，,。.！!？?；;、：:\s]")


@dataclass(frozen=True)
class EmotionHit:
    word: str
    emotion: str
    weight: float  # the lexicon's weight times the intensifiers around it
    start: int  # offsets in the utterance's text
    end: int
    source: str
    intensifier: str | None = None


@dataclass(frozen=True)
class UtteranceEmotion:
    hits: tuple[EmotionHit, ...] = ()
    # Words heard but not counted, with why: (word, "negated" | "quoted").
    dropped: tuple[tuple[str, str], ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    total: float = 0.0  # of the scores

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", round(sum(self.scores.values()), 2))

    @property
    def negative(self) -> bool:
        return self.total >= NEGATIVE_AT

    @property
    def emotion(self) -> str | None:
        """The strongest emotion of a negative utterance; None otherwise."""
        if not self.negative:
            return None
        return max(EMOTIONS, key=lambda e: (self.scores.get(e, 0.0), -EMOTIONS.index(e)))


NO_EMOTION = UtteranceEmotion()


def _quoted(text: str, start: int, cues: tuple[str, ...]) -> bool:
    """Whether a quote cue earlier in the sentence still reaches `start`: to the sentence's end
    (我朋友说他也遇到过，很着急), unless a later clause starts with 我 (人家说很烂，我倒觉得还行)."""
    sentence = _SENTENCE_END.split(text[:start])[-1]
    cue_ends = [sentence.rfind(cue) + len(cue) for cue in cues if cue in sentence]
    if not cue_ends:
        return False
    clauses = _CLAUSE_BREAK.split(sentence[max(cue_ends) :])
    return not any(clause.startswith("我") for clause in clauses[1:])


def _positions(text: str, prefix: str) -> Iterator[int]:
    at = text.find(prefix)
    while at >= 0:
        yield at
        at = text.find(prefix, at + 1)


@lru_cache(maxsize=2048)
def token_edges(lexicon_dir: str, text: str) -> frozenset[int]:
    """Where jieba's tokens of `text` start and end. The plain tokenizer of the lexicon folder
    (its user dictionary, no rule phrases) is the one name masking already holds, so it costs
    no second dictionary; it is asked only for hits not bounded by punctuation."""
    cut = tokenizer(lexicon_dir).tokenize(text)
    return frozenset([0, len(text)] + [offset for _w, start, end in cut for offset in (start, end)])


def _negated(text: str, start: int, end: int, emotion: str, negation: NegationCues) -> bool:
    """A negation cue before the word, except that a prohibitive before anger or disgust is the
    customer forbidding the agent's conduct (别敷衍我, 别把我当傻子), which is the anger itself; and
    A-not-A and rhetorical questions deny nothing (你们是不是故意的, 这不是耍流氓吗)."""
    if negation.before.search(text, 0, start) is None:
        # No cue before the word at all (most hits): blanking only removes cues, none to find.
        return False
    window = max(0, start - NEGATION_BEFORE - 2)
    left = _A_NOT_A.sub(_blank, text[window:start])
    if emotion != "anxiety":
        left = _PROHIBITIVE.sub(_blank, left)
    if "吗" in _CLAUSE_BREAK.split(text[end:], maxsplit=1)[0]:
        left = left.replace("不是", "__")
    text = text[:window] + left + text[start:]
    return negation.negates(text, start, end, (), NEGATION_BEFORE, 0)


def _blank(match: re.Match) -> str:
    return "_" * len(match.group(0))


def _on_edges(text: str, start: int, end: int, boundaries: Callable[[str], frozenset[int]]) -> bool:
    """Whether text[start:end] starts and ends on token edges; punctuation and the text's ends
    are edges without asking jieba (most hits)."""
    if (start == 0 or not text[start - 1].isalnum()) and (
        end == len(text) or not text[end].isalnum()
    ):
        return True
    return {start, end} <= boundaries(text)


def _intensity(
    text: str, start: int, end: int, lexicon: EmotionLexicon
) -> tuple[float, str | None]:
    # the characters an intensifier may stand on, within the word's clause
    left = _CLAUSE_BREAK.split(text[max(0, start - DEGREE_REACH - 2) : start])[-1]
    factor, said = 1.0, None
    for word, value in lexicon.degree.items():
        at = left.rfind(word)
        if (
            at >= 0
            and len(left) - (at + len(word)) <= DEGREE_REACH
            and abs(value - 1) > abs(factor - 1)
        ):
            factor, said = value, word
    right = text[end : end + 3]
    for word, value in lexicon.suffix.items():
        if right.startswith(word):
            return factor * value, f"{said or ''}…{word}"
    return factor, said


def score_text(
    text: str,
    lexicon: EmotionLexicon,
    negation: NegationCues,
    boundaries: Callable[[str], frozenset[int]],
    starts: list[int] | None = None,
) -> UtteranceEmotion:
    """The emotion of one utterance (see the module docstring). `starts`: where a word may
    start, if already known (pipeline.detectors.emotion_scan finds them for a whole call; a
    place that holds no word's beginning is passed over)."""
    by_prefix = lexicon.by_prefix
    if starts is None:
        # The beginnings of words that occur in the text, by one set intersection in C (most
        # utterances: none), then where they occur, by str.find: no Python loop over characters.
        present = lexicon.pairs.intersection(map(add, text, text[1:]))
        if lexicon.singles:
            present |= lexicon.singles.intersection(text)
        starts = sorted(i for prefix in present for i in _positions(text, prefix))
    if not starts:
        return NO_EMOTION
    hits: list[EmotionHit] = []
    dropped: list[tuple[str, str]] = []
    resume = 0  # the longest word at a place wins; the scan resumes after it
    for i in starts:
        if i < resume:
            continue
        for entry in by_prefix.get(text[i : i + 2], ()) + by_prefix.get(text[i], ()):
            end = i + len(entry.word)
            if not text.startswith(entry.word, i):
                continue
            if (not entry.curated or len(entry.word) == 1) and not _on_edges(
                text, i, end, boundaries
            ):
                continue
            if _negated(text, i, end, entry.emotion, negation):
                dropped.append((entry.word, "negated"))
            elif _quoted(text, i, lexicon.quote):
                dropped.append((entry.word, "quoted"))
            else:
                factor, intensifier = _intensity(text, i, end, lexicon)
                weight = round(entry.weight * factor, 2)
                hits.append(
                    EmotionHit(entry.word, entry.emotion, weight, i, end, entry.source, intensifier)
                )
            resume = end
            break
    if not hits and not dropped:  # most places: a word's first characters, not the word
        return NO_EMOTION
    scores: dict[str, float] = {}
    for hit in hits:
        scores[hit.emotion] = round(scores.get(hit.emotion, 0.0) + hit.weight, 2)
    return UtteranceEmotion(tuple(hits), tuple(dropped), scores)


def has_calm_cue(text: str, lexicon: EmotionLexicon) -> bool:
    """Whether the utterance accepts or thanks (谢谢, 好的, 没问题 …)."""
    return any(cue in text for cue in lexicon.calm)
