"""The phrase-rule engine: rule specs (spec), lexicon parsing and matching (engine), regex building (regex), pinyin (phonetic), negation cues (negation)."""
