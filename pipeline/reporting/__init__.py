"""What people read: the flagged-call report (report), its charts (charts), helpers for the analyst notebooks (analytics)."""
