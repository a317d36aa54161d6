-- Statements the store runs, one per "-- name:" block (loaded by pipeline.store.db).

-- name: delete_findings
DELETE FROM findings WHERE call_id = ?;

-- name: delete_segments
DELETE FROM segments WHERE call_id = ?;

-- name: delete_call
DELETE FROM calls WHERE call_id = ?;

-- name: delete_score_items
DELETE FROM score_items WHERE call_id = ?;

-- name: delete_score
DELETE FROM scores WHERE call_id = ?;

-- name: insert_call
INSERT INTO calls (call_id, agent_id, started_at, audio_path, audio_sha256, duration_s, sample_rate,
                   channels, status, error_kind, error, asr_model, n_segments, n_findings, run_id,
                   processed_at, wall_s, call_date, sample_bucket)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?);

-- name: insert_score
INSERT INTO scores (call_id, score, red_line_failed, flagged, scorecard_version) VALUES (?, ?, ?, ?, ?);

-- name: insert_score_item
INSERT INTO score_items (call_id, item_id, item_group, item_name, n_findings, deduction, red_line)
VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: insert_segment
INSERT INTO segments (call_id, seg_index, start_s, end_s, speaker, role, text, confidence)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: insert_finding
INSERT INTO findings (call_id, finding_index, category, rule_id, severity, role, start_s, end_s,
                      evidence, details, root_cause, ruleset_version)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: insert_run
INSERT INTO runs (run_id, started_at, callqa_version, archive, config_hash, config, asr_model, ruleset_version)
VALUES (?, now(), ?, ?, ?, ?, ?, ?);

-- name: finish_run
UPDATE runs SET finished_at = now(), n_ok = ?, n_failed = ?, audio_s = ?, wall_s = ? WHERE run_id = ?;

-- name: upsert_agent
INSERT OR REPLACE INTO agents (agent_id, name, team, hire_date) VALUES (?, ?, ?, ?);

-- name: applied_migrations
SELECT version FROM schema_migrations ORDER BY version;
