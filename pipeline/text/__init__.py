"""Text shared by detectors and store: spoken digits (digits), masking of numbers (masking), spans and evidence (spans), lexicon reading (lexicon)."""
