"""Text detectors, one module each, all listed by the registry (registry); the phrase-rule engine is in phrases/."""
