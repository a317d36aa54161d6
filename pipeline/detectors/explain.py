"""What `callqa detect --explain` says about a finding: which rule fired, on which words.

Read from the finding alone (its details keep the rule's lexicon line, pattern and the words
heard, masked), so a stored finding explains itself the same way as a fresh one.
"""

from __future__ import annotations

from pipeline.types import Finding


def _match_line(match: dict) -> str:
    heard = match.get("heard")
    said = f" heard {heard!r}" if heard is not None else ""
    by = f" by {match['matched_by']}" if match.get("matched_by") else ""
    if "score" in match:  # a signal of the phrase model (pipeline.detectors.rule_signals)
        by += f" (probability {match['score']:.2f})"
    where = f" ({match['lexicon']})" if match.get("lexicon") else ""
    pattern = match.get("phrase") or match.get("pattern")
    rule = f"{match['rule_id']} [{match['severity']}]" if "rule_id" in match else "matched"
    span = ""
    if "start_s" in match:
        span = f" at {match['start_s']:.2f}–{match['end_s']:.2f} s"
    weight = ""
    if "weight" in match:  # an emotion word: its weight after the intensifiers around it
        by_word = f" by {match['intensifier']}" if match.get("intensifier") else ""
        weight = f" weight {match['weight']}{by_word}"
    return f"{rule}: {pattern!r}{said}{by}{weight}{span}{where}"


def _emotion_rows(details: dict) -> list[tuple[str, str]]:
    """The emotion detector's own figures (pipeline/detectors/emotion.py)."""
    rows = []
    if "scores" in details:
        voice = details.get("raised_voice")
        loud = ""
        if voice:
            loud = "; raised voice at " + ", ".join(f"{v['start_s']:.2f} s" for v in voice)
        rows.append(
            (
                "emotion",
                f"{details['emotion']} ({details.get('emotion_zh', '')}), weights {details['scores']}, "
                f"peak {details['peak']} in {details['utterances']} utterance(s){loud}",
            )
        )
    if "soothed" in details:
        rows.append(
            (
                "soothing",
                f"{'soothed' if details['soothed'] else 'not soothed'}: "
                f"{details['negative_utterances']} negative utterance(s) up to "
                f"{details['last_negative_end_s']:.2f} s, then {details['customer_utterances_after']} "
                f"calm one(s){', accepting or thanking' if details['calm_cue_after'] else ''}"
                + ("; raised voice after" if details.get("raised_voice_after") else ""),
            )
        )
    return rows


def explain(finding: Finding) -> list[tuple[str, str]]:
    """(label, text) rows: the finding's rule, category, severity, role, root cause, and the
    pattern and words of every match it stands for."""
    details = finding.details
    rows = [
        ("rule", finding.rule_id),
        ("category", finding.category),
        ("severity", finding.severity),
        ("role", finding.role),
        ("root cause", finding.root_cause or "—"),
        ("time", f"{finding.start_s:.2f}–{finding.end_s:.2f} s"),
    ]
    if "lexicon" in details:
        rows.append(("lexicon", str(details["lexicon"])))
    if "phrase" in details or "pattern" in details:
        rows.append(("fired", _match_line(details)))
    rows.extend(_emotion_rows(details))
    if "model" in details:  # no rule matched: the phrase model judged the utterance
        model = details["model"]
        rows.append(
            (
                "model",
                f"probability {model['score']:.2f} ≥ {model['add']} ({model['file']}); "
                f"weighed most: {', '.join(model['grams']) or '—'}",
            )
        )
    for match in details.get("matches", ()):
        rows.append(("word" if "weight" in match else "same event", _match_line(match)))
    if "anchor" in details:
        rows.append(("anchor", _match_line(details["anchor"])))
        window = details.get("window_s", ["?", "?"])
        rows.append(
            (
                "missing",
                f"{details['expected_role']} did not say {details['expected']!r} "
                f"between {window[0]} and {window[1]} s",
            )
        )
    if "said" in details:
        rows.append(("said", _match_line(details["said"])))
        before = details.get("before_heard")
        rows.append(
            (
                "before",
                f"{details['before']!r} "
                + ("came only later: " + _match_line(before) if before else "was never said"),
            )
        )
    rows.append(("evidence", finding.evidence))
    return rows
