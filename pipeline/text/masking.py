"""Masking of spoken numbers before text is stored, logged or shown.

Raw ID-card, bank-card and phone numbers must never leave the pipeline. Masking does not wait
for a detector to classify a number: every digit run of seven or more digits — Arabic or
spoken (一三八, 幺, 洞, 两 …), with spaces, dashes or pauses between the pieces, found as in
pipeline.text.digits — is masked. What stays visible is at most what a masked receipt shows:
the first 6 and last 4 digits of an ID or card (region / issuer and tail), the first 3 and
last 4 of a mobile. Secrets — a code, password, PIN, CVV or expiry date read out after a cue
or when the agent asked for it (pipeline.text.secrets) — keep no digit at all, however short.
Masking replaces characters one for one, so offsets into the text stay valid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from pipeline.text.digits import (
    JOIN_GAP_S,
    DigitRun,
    find_digit_runs,
    join_same_speaker,
)
from pipeline.text.joined import JoinedSegments
from pipeline.text.personal import PersonalLexicon, personal_spans
from pipeline.text.secrets import (
    SECRET_MIN_DIGITS,
    SecretCues,
    SecretRun,
    find_secret_runs,
    load_secret_cues,
    secret_spans,
)
from pipeline.types import Segment, Transcript, Word

MIN_MASKED_DIGITS = 7
MASK = "*"
# 15–19 digits not starting like a mobile: an ID (15/18) or a card (16–19).
_MOBILE_START = re.compile(r"(?:86)?1[3-9]")


def visible_digits(digits: str) -> tuple[int, int]:
    """How many leading and trailing digits of a run of `digits` may stay visible."""
    n = len(digits)
    if n < MIN_MASKED_DIGITS:
        return n, 0
    if n <= 10:
        return 0, 2
    if n >= 20:
        return 0, 4  # longer than any one number: several read together, keep only the last tail
    if n >= 15 and not _MOBILE_START.match(digits):
        return 6, 4
    return 3, 4


def mask_digits(digits: str, keep_head: int, keep_tail: int) -> str:
    """`digits` (a plain string, e.g. a classified number) with the middle masked."""
    hidden = len(digits) - keep_head - keep_tail
    if hidden <= 0:
        return MASK * len(digits)
    return digits[:keep_head] + MASK * hidden + digits[len(digits) - keep_tail :]


def mask_numbers(text: str) -> str:
    """Mask every long digit run in `text`, and every secret after a cue completely; the
    result has the same length."""
    if not text:
        return text
    masked = mask_runs(text, find_digit_runs(text, min_digits=MIN_MASKED_DIGITS))
    return _blank(masked, secret_spans(text))


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = MASK * (end - start)
    return "".join(chars)


def mask_runs(text: str, runs: Sequence[DigitRun], secrets: Sequence[SecretRun] = ()) -> str:
    """`text` with the given runs masked: runs of it as find_digit_runs returns them (in text
    order, not overlapping) with at least MIN_MASKED_DIGITS digits; and every digit of the
    `secrets` (whose runs index into `text`), in the same pass."""
    spans = []
    for run in runs:
        keep_head, keep_tail = visible_digits(run.digits)
        if len(run.groups) == 1 and run.check_span is None:
            # most runs: one group, one character a digit; its hidden digits are one span
            start, end = run.groups[0]
            if keep_head < end - start - keep_tail:
                spans.append((start + keep_head, end - keep_tail))
        else:
            spans.extend(_digit_char_spans(run, keep_head, len(run.digits) - keep_tail))
    if secrets:  # a secret's digits may also be a masked run's: the spans are merged
        spans = sorted(spans + [span for secret in secrets for span in secret.run.digit_spans()])
    if not spans:
        return text
    pieces: list[str] = []
    append = pieces.append  # looked up once: a call masks a dozen or more runs
    cursor = 0
    for start, end in spans:
        if end <= cursor:
            continue
        if start < cursor:
            start = cursor
        append(text[cursor:start])
        append(MASK * (end - start))
        cursor = end
    append(text[cursor:])
    return "".join(pieces)


def _digit_char_spans(run: DigitRun, first: int, stop: int) -> list[tuple[int, int]]:
    """The characters that digits first..stop-1 of `run` came from, one span per digit group
    rather than per digit (a run's digits are one character each but for the check character)."""
    spans = []
    digit = 0  # index of the group's first digit in run.digits
    for start, end in run.groups:
        lo, hi = max(first, digit), min(stop, digit + end - start)
        if lo < hi:
            spans.append((start + lo - digit, start + hi - digit))
        digit += end - start
    if run.check_span and first <= digit < stop:
        spans.append(run.check_span)
    return spans


def mask_segment_texts(
    segments: Sequence[Segment],
    max_gap_s: float = JOIN_GAP_S,
    secret_cues: SecretCues | None = None,
) -> list[str]:
    """The masked text of each segment, masking numbers spread over segments as whole numbers.

    A caller who reads 一三八一二 and, a second later, 三四五六七八 leaves two short runs that
    mask_numbers alone would keep; joined as the PII detector joins them, they are one mobile.
    Secrets (pipeline.text.secrets) are masked completely, also when split over segments.
    """
    return MaskedSpeech.of(segments, max_gap_s, secret_cues).segment_texts(segments)


class MaskedSpeech:
    """A call's segments joined per speaker (pipeline.text.digits.join_same_speaker), the digit runs
    long enough to be masked and, when first asked for, the masked text.

    Built once per call and shared: the PII detector takes its numbers from `runs` and its
    evidence from `masked`, and every detector's evidence is a slice of `masked`, so the call
    is joined and scanned for digits once. A stretch of one speaker's speech masks the same
    alone as inside the whole text, since no run crosses SPEAKER_BREAK.
    """

    def __init__(self, joined: JoinedSegments, secret_cues: SecretCues | None = None):
        self.joined = joined
        # One search serves masking and secrets: the runs long enough to mask are those of
        # the secrets' shorter minimum that have MIN_MASKED_DIGITS digits.
        self._short_runs = find_digit_runs(joined.text, min_digits=SECRET_MIN_DIGITS)
        self.runs = [run for run in self._short_runs if len(run.digits) >= MIN_MASKED_DIGITS]
        self._cues = secret_cues
        self._secrets: list[SecretRun] | None = None
        self._masked: str | None = None

    @classmethod
    def of(
        cls,
        segments: Sequence[Segment],
        max_gap_s: float = JOIN_GAP_S,
        secret_cues: SecretCues | None = None,
    ) -> MaskedSpeech:
        """`secret_cues`: those of the site's lexicons (None: the shipped ones)."""
        return cls(join_same_speaker(segments, max_gap_s), secret_cues)

    @property
    def secrets(self) -> list[SecretRun]:
        """The secrets read out (codes, passwords, CVVs): masked completely."""
        if self._secrets is None:
            self._secrets = find_secret_runs(
                self.joined, self._cues or load_secret_cues(), self._short_runs
            )
        return self._secrets

    @property
    def masked(self) -> str:
        if self._masked is None:
            self._masked = mask_runs(self.joined.text, self.runs, self.secrets)
        return self._masked

    def segment_texts(self, segments: Sequence[Segment]) -> list[str]:
        """The masked text of each of the segments this was built from."""
        masked = self.masked
        return [
            masked[offset : offset + len(segment.text)]
            for segment, offset in zip(segments, self.joined.offsets)
        ]


def mask_words(segment: Segment, masked_text: str) -> tuple[Word, ...]:
    """The segment's words with the characters masked in its text masked in them too.

    Words are placed in the text left to right; a word that cannot be placed (ASR wrote it
    differently) means the words are dropped for this segment — detectors then use segment times.
    """
    if masked_text == segment.text:
        return segment.words
    words, cursor = [], 0
    for word in segment.words:
        at = segment.text.find(word.text, cursor)
        if at < 0:
            return ()
        words.append(replace(word, text=masked_text[at : at + len(word.text)]))
        cursor = at + len(word.text)
    return tuple(words)


def mask_transcript(
    transcript: Transcript,
    secret_cues: SecretCues | None = None,
    personal: PersonalLexicon | None = None,
) -> Transcript:
    """The transcript with every long number and every secret masked in segment and word texts,
    and with `personal` (pipeline.text.personal) names and addresses too: 张伟 → 张*, an address
    after its city. Done once per call where a transcript is made (the cache and the run), so
    what every detector, evidence and stored row sees is already masked."""
    masked_texts = mask_segment_texts(transcript.segments, secret_cues=secret_cues)
    if personal is not None:
        masked_texts = _without_personal(masked_texts, personal)
    return _with_texts(transcript, masked_texts)


def mask_personal(transcript: Transcript, personal: PersonalLexicon) -> Transcript:
    """The transcript with names and addresses masked and numbers left as they are: for a
    transcript written by hand (`callqa detect`), whose numbers the PII detector must still read."""
    return _with_texts(
        transcript, _without_personal([s.text for s in transcript.segments], personal)
    )


def _without_personal(texts: Sequence[str], personal: PersonalLexicon) -> list[str]:
    return [
        _blank(text, [(start, end) for start, end, _kind in personal_spans(text, personal)])
        for text in texts
    ]


def _with_texts(transcript: Transcript, masked_texts: Sequence[str]) -> Transcript:
    """`transcript` with each segment's text (and its words) replaced by a masked text of the
    same length."""
    segments = tuple(
        replace(segment, text=masked, words=mask_words(segment, masked))
        for segment, masked in zip(transcript.segments, masked_texts)
    )
    return replace(transcript, segments=segments)
