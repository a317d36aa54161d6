-- The review store's queries, shared by SQLite and PostgreSQL. Parameters are :name
-- (PostgreSQL's driver gets them rewritten to %(name)s); CAST(:x AS TEXT) lets an optional
-- filter be NULL in both.

-- name: insert_user
INSERT INTO review_users (name, role, agent_id, team, password_hash, disabled, created_at, updated_at)
VALUES (:name, :role, :agent_id, :team, :password_hash, 0, :now, :now)

-- name: set_password
UPDATE review_users SET password_hash = :password_hash, updated_at = :now WHERE name = :name

-- name: disable_user
UPDATE review_users SET disabled = 1, updated_at = :now WHERE name = :name

-- name: get_user
SELECT name, role, agent_id, team, disabled, password_hash FROM review_users WHERE name = :name

-- name: list_users
SELECT name, role, agent_id, team, disabled FROM review_users ORDER BY name

-- name: insert_verdict
INSERT INTO review_verdicts
    (finding_id, call_id, rule_id, category, ruleset_version, verdict, note, user_name, created_at)
VALUES (:finding_id, :call_id, :rule_id, :category, :ruleset_version, :verdict, :note, :user_name, :now)
RETURNING verdict_id

-- name: verdicts
SELECT verdict_id, finding_id, call_id, rule_id, category, verdict, note, user_name, created_at,
       ruleset_version
FROM review_verdicts
WHERE (CAST(:call_id AS TEXT) IS NULL OR call_id = CAST(:call_id AS TEXT))
ORDER BY verdict_id

-- name: insert_appeal
INSERT INTO review_appeals (call_id, finding_id, reason, agent_id, user_name, created_at)
VALUES (:call_id, :finding_id, :reason, :agent_id, :user_name, :now)
RETURNING appeal_id

-- name: appeals
SELECT a.appeal_id, a.call_id, a.finding_id, a.reason, a.agent_id, a.user_name, a.created_at,
       d.decision, d.note, d.decided_by, d.decided_at
FROM review_appeals a LEFT JOIN review_appeal_decisions d ON d.appeal_id = a.appeal_id
WHERE (CAST(:call_id AS TEXT) IS NULL OR a.call_id = CAST(:call_id AS TEXT))
  AND (CAST(:agent_id AS TEXT) IS NULL OR a.agent_id = CAST(:agent_id AS TEXT))
  AND (CAST(:appeal_id AS INTEGER) IS NULL OR a.appeal_id = CAST(:appeal_id AS INTEGER))
ORDER BY a.appeal_id

-- name: insert_decision
INSERT INTO review_appeal_decisions (appeal_id, decision, note, decided_by, decided_at)
VALUES (:appeal_id, :decision, :note, :decided_by, :now)

-- name: insert_signoff
INSERT INTO review_signoffs (batch_id, note, user_name, created_at)
VALUES (:batch_id, :note, :user_name, :now)
RETURNING signoff_id

-- name: signoffs
SELECT signoff_id, batch_id, note, user_name, created_at FROM review_signoffs ORDER BY signoff_id

-- name: insert_recheck
INSERT INTO review_rechecks (agent_id, n_calls, user_name, created_at)
VALUES (:agent_id, :n_calls, :user_name, :now)
RETURNING recheck_id

-- name: rechecks
SELECT recheck_id, agent_id, n_calls, user_name, created_at FROM review_rechecks ORDER BY recheck_id

-- name: insert_access
INSERT INTO review_access_log (user_name, action, call_id, detail, at)
VALUES (:user_name, :action, :call_id, :detail, :now)

-- name: access_log
SELECT entry_id, user_name, action, call_id, detail, at FROM review_access_log
WHERE (CAST(:user_name AS TEXT) IS NULL OR user_name = CAST(:user_name AS TEXT))
  AND (CAST(:call_id AS TEXT) IS NULL OR call_id = CAST(:call_id AS TEXT))
  AND (CAST(:since AS TEXT) IS NULL OR at >= CAST(:since AS TEXT))
ORDER BY entry_id
