-- The review store's tables, for SQLite and PostgreSQL alike. {serial} is the one dialect
-- difference: an auto-numbered primary key. Times are UTC ISO-8601 text with microseconds
-- (2026-12-05T02:55:00.000000+00:00): one fixed width, so text order is time order in both.
-- Everything is append-only except a user's password hash and disabled flag.
CREATE TABLE IF NOT EXISTS review_users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    agent_id TEXT,
    team TEXT,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS review_verdicts (
    verdict_id {serial},
    finding_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    category TEXT NOT NULL,
    ruleset_version TEXT,
    verdict TEXT NOT NULL,
    note TEXT NOT NULL,
    user_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS review_verdicts_call ON review_verdicts (call_id);
CREATE INDEX IF NOT EXISTS review_verdicts_finding ON review_verdicts (finding_id);
CREATE TABLE IF NOT EXISTS review_appeals (
    appeal_id {serial},
    call_id TEXT NOT NULL,
    finding_id TEXT,
    reason TEXT NOT NULL,
    agent_id TEXT,
    user_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS review_appeals_call ON review_appeals (call_id);
-- One decision per appeal: the primary key makes a second decision fail even when two seniors
-- decide at the same moment.
CREATE TABLE IF NOT EXISTS review_appeal_decisions (
    appeal_id INTEGER PRIMARY KEY REFERENCES review_appeals (appeal_id),
    decision TEXT NOT NULL,
    note TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS review_signoffs (
    signoff_id {serial},
    batch_id TEXT NOT NULL,
    note TEXT NOT NULL,
    user_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS review_rechecks (
    recheck_id {serial},
    agent_id TEXT NOT NULL,
    n_calls INTEGER NOT NULL,
    user_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS review_access_log (
    entry_id {serial},
    user_name TEXT NOT NULL,
    action TEXT NOT NULL,
    call_id TEXT,
    detail TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS review_access_log_user ON review_access_log (user_name, at);
CREATE INDEX IF NOT EXISTS review_access_log_call ON review_access_log (call_id, at);
