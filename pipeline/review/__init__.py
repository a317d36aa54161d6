"""The review workbench's records: users, verdicts, appeals, decisions, sign-offs, re-checks and
the access log, in their own transactional store (SQLite by default, PostgreSQL by URL)."""
