"""The phrase model's signals in anchor-and-window rules: `when_signal=` and `require_signal=`.

Word lists catch the questions someone foresaw; customers ask whether their money is safe in
more ways than any list holds (到时候还能拿回这么多吧, 万一你们公司倒了我交的钱怎么办). A column
`signal.<name>` of the phrase model (lexicons/phrase_model.tsv) scores every utterance of a call
for such a meaning. In a when= rule naming it, an utterance of the pattern's party scored at or
above the signal's `@add` threshold counts as a match of the pattern, with the whole utterance
as its words, and a pattern match in an utterance scored below its `@veto` does not count.

As for the phrase categories, the rules' explicit no stands: an utterance where the pattern
turned a candidate down (an except= context: a hotel deposit, a loan's interest) is never made
a match by the model. Without a model file, or for a rule naming no signal, the patterns work
alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.detectors.phrases import engine
from pipeline.detectors.phrases.model import SIGNAL_PREFIX, load_model
from pipeline.detectors.phrases.model_findings import exact_scores, verdicts, worth_searching
from pipeline.detectors.phrases.spec import PhraseMatch, PhraseRule

if TYPE_CHECKING:
    from pipeline.detectors.base import CallContext
    from pipeline.detectors.rule_file import FileRule, Pattern


def signal_matches(
    call: CallContext, rule: FileRule, pattern: Pattern, signal: str | None
) -> tuple[list[PhraseMatch], dict[int, float]]:
    """(the pattern's accepted matches with the signal's, in time order; the signal's score of
    each utterance it decided, by id() of the segment)."""
    joined = engine.role_text(call.transcript, pattern.role)
    model = load_model(str(call.lexicon_dir))
    if signal is None or model is None or SIGNAL_PREFIX + signal not in model.categories:
        return engine.find_matches(pattern.compiled, joined, call.phrase_book), {}
    column = SIGNAL_PREFIX + signal
    rejected: set[int] = set()
    # Matches in utterances the signal vetoes would be dropped: those are not searched at all.
    only = worth_searching(model, call.transcript, column, joined)
    matches = list(
        engine.iter_matches(
            pattern.compiled, joined, call.phrase_book, rejected=rejected, only=only
        )
    )
    kept, added = verdicts(model, call.transcript, column, pattern.role, joined, matches, rejected)
    if not added:
        return kept, {}
    words = PhraseRule(
        phrase=column,
        pieces=(),
        group=pattern.compiled.spec.default_group,
        rule_id=rule.rule_id,
        severity=rule.severity,
        root_cause=rule.root_cause,
        unless=(),
        pinyin=False,
        gap=0,
        where=rule.where,
    )
    kept += [PhraseMatch(words, segment, 0, len(segment.text), "model") for segment in added]
    kept.sort(key=lambda m: (m.segment.start, m.segment.end, m.start))
    said = {
        id(segment): float(exact_scores(model, segment.text)[model.column(column)])
        for segment in added
    }
    return kept, said
