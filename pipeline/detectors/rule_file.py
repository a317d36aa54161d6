"""lexicons/rules.txt: rules in full form — id, category, severity, role and root cause on the line.

The phrase lexicons hold one category each; this file holds the rules that need more than a
phrase list, and a site's own categories. A line:

    rule_id   category   severity   kind=ROLE:PATTERN …   [options]

Three kinds, each with PATTERN in the phrase language (pipeline.detectors.phrases.syntax) and
ROLE `agent` or `customer`:

- `match=ROLE:PATTERN` — a phrase rule with its own category (custom.competitor …).
- `when=ROLE:PATTERN  require=ROLE:PATTERN  within=3turns|3utterances|60s|3turns,60s` — anchor
  and window: after the anchor, the required words must come within the next N turns of their
  party (a turn: a run of the party's consecutive segments), or its next N utterances (each
  segment counts, however short the other party's words between them), and/or S seconds (a
  count and seconds given: both limits hold). Missing → a finding spanning the anchor and
  the window (category script.response_missing, or custom.*): a customer asking whether a wealth
  product can lose money must hear 理财非存款，产品有风险.
- `forbid=ROLE:PATTERN  before=ROLE:PATTERN` — order: the forbidden words said before the other
  (or with no other at all) are a finding spanning both (category phrase.forbidden, or custom.*):
  recommending a fund before the customer's risk assessment.

Options: `cause=<root cause>` (required unless root_causes.txt maps the rule id), `gap=`,
`pinyin=`, `unless=`, `except=` (for every pattern of the line). A when= rule may also name
signals of the phrase model (`when_signal=NAME`, `require_signal=NAME`: the model file's column
`signal.NAME`, pipeline.detectors.rule_signals): an utterance of the anchor's (the required)
party that the model scores at or above the signal's threshold counts as an anchor (as the
required words) too, so a question worded as no list foresaw still opens the window.

Rule ids are dotted lower-case words and unique in the file; `custom.` categories need no code,
only this line, a root cause and (to be scored) a scorecard item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, cast

from pipeline.detectors.phrases import engine
from pipeline.detectors.phrases.model import MODEL_FILE, SIGNAL_PREFIX, load_model
from pipeline.detectors.phrases.spec import CompiledRules, PhraseCategory
from pipeline.detectors.phrases.syntax import OPTIONS as PATTERN_OPTIONS
from pipeline.detectors.phrases.syntax import rules_of
from pipeline.errors import LexiconError
from pipeline.scoring.root_causes import UNMAPPED, root_cause_for
from pipeline.text.lexicon import read_lexicon
from pipeline.types import CUSTOM_CATEGORY, SEVERITIES, Severity

RULES_FILE = "rules.txt"
KINDS = {"match": (), "when": ("require", "within"), "forbid": ("before",)}
# The fixed categories each kind may report; any kind may report a custom.* category.
KIND_CATEGORIES = {
    "match": frozenset({"phrase.forbidden", "phrase.overpromise", "phrase.credential_request"}),
    "when": frozenset({"script.response_missing"}),
    "forbid": frozenset({"phrase.forbidden"}),
}
ROLE_KEYS = ("match", "when", "require", "forbid", "before")
SIGNAL_KEYS = ("when_signal", "require_signal")  # when= rules only
OPTIONS = (
    *ROLE_KEYS,
    "within",
    *SIGNAL_KEYS,
    *(o for o in PATTERN_OPTIONS if o != "cause"),
    "cause",
)
_RULE_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+\Z")
_SIGNAL = re.compile(r"[a-z][a-z0-9_]*\Z")
_WITHIN = re.compile(r"(?:(\d{1,2})(turns?|utterances?))?(?:,?(\d{1,4})s)?\Z")
RoleName = Literal["agent", "customer"]


@dataclass(frozen=True, eq=False)
class Pattern:
    role: RoleName
    text: str
    compiled: CompiledRules


@dataclass(frozen=True, eq=False)
class FileRule:
    rule_id: str
    category: str
    severity: Severity
    kind: str  # match | when | forbid
    root_cause: str
    where: str
    main: Pattern  # match= / when= / forbid=
    other: Pattern | None = None  # require= / before=
    within_turns: int | None = None
    # within= counted in utterances (segments) of the required party rather than in turns
    within_utterances: bool = False
    within_s: float | None = None
    when_signal: str | None = None  # the phrase model's signal.<name> that also makes an anchor
    require_signal: str | None = None  # … that also counts as the required words

    @property
    def lexicon_line(self) -> str:
        path, _, line_no = self.where.rpartition(":")
        return f"{Path(path).name}:{line_no}"


def _pattern(
    key: str,
    value: str,
    options: dict[str, str],
    rule_id: str,
    category: str,
    severity: str,
    where: str,
    lexicon_dir: str,
) -> Pattern:
    role, colon, text = value.partition(":")
    if not colon or role not in ("agent", "customer") or not text:
        raise LexiconError(
            f"{where}: {key}= takes ROLE:PATTERN with ROLE agent or customer, found {value!r}"
        )
    spec = PhraseCategory(
        category=category,
        rule_prefix=rule_id,
        lexicon_file=RULES_FILE,
        role=cast(RoleName, role),
        default_group=key,
        default_severity=cast(Severity, severity),
    )
    pattern_options = {k: v for k, v in options.items() if k in PATTERN_OPTIONS}
    rules = rules_of(text, pattern_options, where, rule_id=rule_id, group=key, severity=severity)
    return Pattern(cast(RoleName, role), text, engine.compile_rules(spec, rules, lexicon_dir))


def _within(value: str | None, where: str) -> tuple[int | None, bool, float | None]:
    """(the count, whether it counts utterances rather than turns, the seconds)."""
    found = _WITHIN.match(value or "")
    if not value or found is None or not any(found.groups()):
        raise LexiconError(
            f"{where}: within= takes turns or utterances and/or seconds: 3turns, 3utterances, "
            f"60s or 3turns,60s; found {value!r}"
        )
    count, unit, seconds = found.groups()
    if (count is not None and int(count) == 0) or (seconds is not None and int(seconds) == 0):
        raise LexiconError(f"{where}: within= limits must be above zero, found {value!r}")
    return (
        int(count) if count else None,
        (unit or "").startswith("utterance"),
        float(seconds) if seconds else None,
    )


def parse_rule(columns: tuple[str, ...], where: str, lexicon_dir: str) -> FileRule:
    if len(columns) < 4 or "=" in "".join(columns[:3]):
        raise LexiconError(
            f"{where}: a rule is `rule_id category severity kind=ROLE:PATTERN …`, found "
            f"{' '.join(columns)!r}"
        )
    rule_id, category, severity = columns[:3]
    if not _RULE_ID.match(rule_id):
        raise LexiconError(
            f"{where}: rule id {rule_id!r} must be dotted lower-case words (disclosure.risk)"
        )
    if severity not in SEVERITIES:
        raise LexiconError(
            f"{where}: unknown severity {severity!r}; known: {', '.join(SEVERITIES)}"
        )
    options: dict[str, str] = {}
    for column in columns[3:]:
        key, equals, value = column.partition("=")
        if not equals or key not in OPTIONS:
            raise LexiconError(f"{where}: {column!r} is not an option; known: {', '.join(OPTIONS)}")
        if key in options:
            raise LexiconError(f"{where}: option {key!r} given twice")
        options[key] = value
    kinds = [k for k in KINDS if k in options]
    if len(kinds) != 1:
        raise LexiconError(f"{where}: a rule has exactly one of match=, when=, forbid=")
    kind = kinds[0]
    needed = KINDS[kind]
    allowed = {kind, *needed, *(SIGNAL_KEYS if kind == "when" else ())}
    for key in (*ROLE_KEYS, "within", *SIGNAL_KEYS):
        if key in options and key not in allowed:
            raise LexiconError(f"{where}: {key}= does not go with {kind}=")
    for key in needed:
        if key not in options:
            raise LexiconError(f"{where}: {kind}= needs {key}=")
    if category not in KIND_CATEGORIES[kind] and not CUSTOM_CATEGORY.match(category):
        raise LexiconError(
            f"{where}: a {kind}= rule reports {' or '.join(sorted(KIND_CATEGORIES[kind]))} or a "
            f"site's custom.<name> category, not {category!r}"
        )
    cause = options.get("cause") or root_cause_for(lexicon_dir, rule_id)
    if cause == UNMAPPED:
        raise LexiconError(
            f"{where}: rule {rule_id} has no root cause: add cause=… or map it in root_causes.txt"
        )

    def pattern(key: str) -> Pattern:
        return _pattern(key, options[key], options, rule_id, category, severity, where, lexicon_dir)

    other_key = next((k for k in ("require", "before") if k in options), None)
    turns, utterances, seconds = (
        _within(options["within"], where) if kind == "when" else (None, False, None)
    )
    return FileRule(
        rule_id=rule_id,
        category=category,
        severity=severity,
        kind=kind,
        root_cause=cause,
        where=where,
        main=pattern(kind),
        other=pattern(other_key) if other_key else None,
        within_turns=turns,
        within_utterances=utterances,
        within_s=seconds,
        when_signal=_signal(options, "when_signal", where),
        require_signal=_signal(options, "require_signal", where),
    )


def _signal(options: dict[str, str], key: str, where: str) -> str | None:
    name = options.get(key)
    if name is not None and not _SIGNAL.match(name):
        raise LexiconError(f"{where}: {key}= takes a signal name (risk_question), found {name!r}")
    return name


@lru_cache(maxsize=8)
def load_file_rules(lexicon_dir: str) -> tuple[FileRule, ...]:
    """The rules of lexicons/rules.txt (none when the file is absent); errors name file and line."""
    path = Path(lexicon_dir) / RULES_FILE
    if not path.is_file():
        return ()
    rules: list[FileRule] = []
    seen: dict[str, str] = {}
    for line in read_lexicon(path, min_columns=1):
        rule = parse_rule(line.columns, line.where, lexicon_dir)
        if rule.rule_id in seen:
            raise LexiconError(
                f"{line.where}: rule id {rule.rule_id} is already used at {seen[rule.rule_id]}"
            )
        seen[rule.rule_id] = line.where
        _check_signals(rule, lexicon_dir)
        rules.append(rule)
    return tuple(rules)


def _check_signals(rule: FileRule, lexicon_dir: str) -> None:
    """A signal the phrase model does not have is a typo; without a model file the rules work
    alone, as the phrase categories do."""
    model = load_model(lexicon_dir)
    for key, name in (("when_signal", rule.when_signal), ("require_signal", rule.require_signal)):
        if model is not None and name is not None and SIGNAL_PREFIX + name not in model.categories:
            known = [
                c.removeprefix(SIGNAL_PREFIX)
                for c in model.categories
                if c.startswith(SIGNAL_PREFIX)
            ]
            raise LexiconError(
                f"{rule.where}: {key}={name}: {MODEL_FILE} has no column {SIGNAL_PREFIX}{name} "
                f"(its signals: {', '.join(known) or 'none'})"
            )
