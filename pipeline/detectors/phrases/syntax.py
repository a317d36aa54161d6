"""The rule language of the phrase lexicons: one line, one rule, parsed and checked.

    pattern   [group]   [severity]   [key=value …]

A pattern is written in Chinese characters, letters and digits, with four operators:

- `A…B`     B follows A within `gap` characters (default 12) in the same sentence; commas may
            fall inside (您好，很高兴为您服务). `...` and `……` are the same.
- `[a|b|c]` any one of the words a, b, c at that place; an empty word makes it optional
            (`[把|]验证码…告诉我`). Expanded when the file is read: at most 1,024 wordings a line.
- `A+B`     A and B in either order within `gap` characters of each other (proximity):
            `验证码+[念|报|告诉]` is 验证码…念 or 念…验证码. At most three parts.
- options: `cause=<root cause>` (overrides root_causes.txt); `unless=前缀,前缀` (skip when one of
  these is right before the match); `except=<pattern>,<pattern>` (skip when the match lies
  inside a match of one of these context patterns, e.g. 不知道 with
  `except=不知道[您|你]…[方便|是否|吗]`: a polite question, not a refusal); `pinyin=no`
  (characters only, no homophones); `gap=<1–40>`.

Every wording a line expands to shares the line's rule id (`<category prefix>.<group>`),
severity and root cause; a finding names the line it came from. A malformed line raises
LexiconError with file, line and reason before any audio is read.
"""

from __future__ import annotations

import itertools
import re

from pipeline.detectors.phrases.regex import context_regex
from pipeline.detectors.phrases.spec import PhraseCategory, PhraseRule
from pipeline.errors import LexiconError
from pipeline.types import SEVERITIES

DEFAULT_GAP = 12
MAX_GAP = 40
MAX_PHRASE_CHARS = 40
MAX_WORDINGS = 1024
MAX_PARTS = 3
OPTIONS = ("cause", "unless", "except", "pinyin", "gap")
_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9０-９Ａ-Ｚａ-ｚ]*\Z")
_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SLUG = re.compile(r"[a-z][a-z0-9_]*\Z")
_ROOT_CAUSE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\Z")


def _piece_words(piece: str, where: str, pattern: str) -> list[str]:
    """Every wording of one gap-free piece: its [a|b] choices multiplied out."""
    options: list[list[str]] = []
    position = 0
    for choice in _CHOICE.finditer(piece):
        options.append([piece[position : choice.start()]])
        options.append(choice.group(1).split("|"))
        position = choice.end()
    options.append([piece[position:]])
    for option in options:
        for word in option:
            if not _WORD.match(word):
                raise LexiconError(
                    f"{where}: pattern {pattern!r}: {word!r} must be Chinese characters, letters "
                    "or digits (operators: … between pieces, [a|b] choices, + for either order)"
                )
    return ["".join(words) for words in itertools.product(*options)]


def expand(pattern: str, where: str) -> list[tuple[str, ...]]:
    """The wordings of a pattern, each as its literal pieces (gaps between them), in file order."""
    text = pattern.replace("...", "…").replace("……", "…")
    if text.count("[") != text.count("]") or re.search(r"\[[^\]]*[\[…+]", text):
        raise LexiconError(
            f"{where}: pattern {pattern!r}: a [ … ] choice must be closed and may hold only "
            "words separated by |"
        )
    parts = text.split("+")
    if len(parts) > MAX_PARTS or any(not p for p in parts):
        raise LexiconError(
            f"{where}: pattern {pattern!r}: + joins two or three non-empty parts (A+B: either order)"
        )
    part_wordings: list[list[tuple[str, ...]]] = []
    for part in parts:
        if any(not piece for piece in part.split("…")):
            raise LexiconError(
                f"{where}: pattern {pattern!r}: … must stand between two pieces, which "
                "must be Chinese characters, letters or digits"
            )
        per_piece = [_piece_words(piece, where, pattern) for piece in part.split("…")]
        wordings = []
        for combination in itertools.product(*per_piece):
            pieces = tuple(p for p in combination if p)
            if pieces:
                wordings.append(pieces)
        if not wordings:
            raise LexiconError(f"{where}: pattern {pattern!r} can match nothing")
        part_wordings.append(wordings)
    expanded: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()  # a list's `in` made this quadratic in the wordings
    for order in itertools.permutations(part_wordings) if len(parts) > 1 else [part_wordings]:
        for chosen in itertools.product(*order):
            pieces = tuple(piece for wording in chosen for piece in wording)
            if pieces not in seen:
                seen.add(pieces)
                expanded.append(pieces)
        if len(expanded) > MAX_WORDINGS:
            break
    if len(expanded) > MAX_WORDINGS:
        raise LexiconError(
            f"{where}: pattern {pattern!r} expands to more than {MAX_WORDINGS} wordings; split it"
        )
    for pieces in expanded:
        if sum(len(p) for p in pieces) > MAX_PHRASE_CHARS:
            raise LexiconError(
                f"{where}: pattern {pattern!r}: wording {'…'.join(pieces)!r} is longer than "
                f"{MAX_PHRASE_CHARS} characters"
            )
    return expanded


def _options(columns: tuple[str, ...], where: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for column in columns:
        key, equals, value = column.partition("=")
        if not equals:
            raise LexiconError(
                f"{where}: {column!r} after the options: pattern, group and severity come first"
            )
        if key not in OPTIONS:
            raise LexiconError(f"{where}: unknown option {key!r}; known: {', '.join(OPTIONS)}")
        if key in options:
            raise LexiconError(f"{where}: option {key!r} given twice")
        options[key] = value
    return options


def parse_line(spec: PhraseCategory, columns: tuple[str, ...], where: str) -> list[PhraseRule]:
    """The rules of one lexicon line: one per wording of its pattern."""
    n_positional = next((i for i, c in enumerate(columns) if "=" in c), len(columns))
    positional = columns[:n_positional]
    if n_positional == 0:
        raise LexiconError(f"{where}: the line must start with the pattern, found {columns[0]!r}")
    options = _options(columns[n_positional:], where)
    most = 1 if spec.phrase_only else 3
    if len(positional) > most:
        layout = "pattern" if spec.phrase_only else "pattern, group, severity"
        raise LexiconError(
            f"{where}: expected at most {most} column(s) ({layout}) before options, found {len(positional)}"
        )
    pattern = positional[0]
    group = positional[1] if len(positional) > 1 else spec.default_group
    severity = positional[2] if len(positional) > 2 else spec.default_severity
    if group in SEVERITIES:
        raise LexiconError(
            f"{where}: column 2 is the group and column 3 the severity; found severity {group!r} in column 2"
        )
    if not _SLUG.match(group):
        raise LexiconError(f"{where}: group {group!r} must be lower-case letters, digits and _")
    if severity not in SEVERITIES:
        raise LexiconError(
            f"{where}: unknown severity {severity!r}; known: {', '.join(SEVERITIES)}"
        )
    return rules_of(
        pattern,
        options,
        where,
        rule_id=f"{spec.rule_prefix}.{group}",
        group=group,
        severity=severity,
    )


def rules_of(
    pattern: str, options: dict[str, str], where: str, *, rule_id: str, group: str, severity: str
) -> list[PhraseRule]:
    """The rules of one pattern with its options (also used by the rule file's patterns)."""
    cause = options.get("cause")
    if cause is not None and not _ROOT_CAUSE.match(cause):
        raise LexiconError(
            f"{where}: cause {cause!r} must be dotted lower-case words (compliance_risk.overpromise)"
        )
    if options.get("pinyin", "yes") not in ("yes", "no"):
        raise LexiconError(f"{where}: pinyin must be yes or no, found {options['pinyin']!r}")
    gap_text = options.get("gap", str(DEFAULT_GAP))
    if not gap_text.isdigit() or not 1 <= int(gap_text) <= MAX_GAP:
        raise LexiconError(
            f"{where}: gap must be a whole number from 1 to {MAX_GAP}, found {gap_text!r}"
        )
    gap = int(gap_text)
    unless = tuple(p for p in options.get("unless", "").split(",") if p)
    exceptions = None
    reach = 0
    if options.get("except"):
        wordings = [w for p in options["except"].split(",") if p for w in expand(p, where)]
        exceptions = context_regex(tuple(wordings), gap)
        # every piece's characters and a full gap between pieces: no context match is longer
        reach = max(sum(map(len, pieces)) + gap * (len(pieces) - 1) for pieces in wordings)
    rules = []
    for pieces in expand(pattern, where):
        # A single character sounds like too many others to be matched by pinyin.
        pinyin = options.get("pinyin", "yes") == "yes" and len(_HAN.findall("".join(pieces))) >= 2
        rules.append(
            PhraseRule(
                phrase=pattern,
                pieces=pieces,
                group=group,
                rule_id=rule_id,
                severity=severity,  # type: ignore[arg-type]  # checked against SEVERITIES
                root_cause=cause,
                unless=unless,
                pinyin=pinyin,
                gap=gap,
                where=where,
                exceptions=exceptions,
                exceptions_reach=reach,
            )
        )
    return rules
