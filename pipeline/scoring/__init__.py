"""The scorecard (weighted deductions, red lines) and the root-cause map of rule ids."""
