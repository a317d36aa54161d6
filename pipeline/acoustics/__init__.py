"""The acoustic stage: frame features, speech activity, per-turn measures, the analysis of a call, its result types and its findings."""
