-- Statements the store runs, one per "-- name:" block (loaded by pipeline.store.connection.queries).

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
                   processed_at, wall_s, call_date, sample_bucket, roles_method, n_speakers,
                   agent_speaker, roles_confidence, role_cues, caller_hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: update_call_metrics
UPDATE calls SET agent_talk_s = $agent_talk_s, customer_talk_s = $customer_talk_s, unknown_talk_s = $unknown_talk_s,
       non_talk_s = $non_talk_s, non_talk_share = $non_talk_share, max_gap_s = $max_gap_s,
       gaps_over_5s = $gaps_over_5s, gaps_over_10s = $gaps_over_10s, overlap_s = $overlap_s,
       agent_customer_talk_ratio = $agent_customer_talk_ratio, hold_s = $hold_s, music_s = $music_s,
       agent_chars_per_min = $agent_chars_per_min, agent_syllables_per_min = $agent_syllables_per_min,
       first_response_s = $first_response_s, first_response_after_customer_s = $first_response_after_customer_s,
       response_latency_median_s = $response_latency_median_s, response_latency_max_s = $response_latency_max_s,
       n_responses = $n_responses, handling_s = $handling_s, hold_share = $hold_share, last_role = $last_role,
       tail_s = $tail_s, tail_music_s = $tail_music_s, abnormal_hangup = $abnormal_hangup,
       hangup_reason = $hangup_reason
WHERE call_id = $call_id;

-- name: agent_rate_history
-- An agent's speech rates in their most recent calls, for the per-agent baseline.
SELECT agent_chars_per_min FROM calls
WHERE agent_id = $agent_id AND status = 'ok' AND agent_chars_per_min IS NOT NULL AND call_id <> $call_id
ORDER BY started_at DESC NULLS LAST LIMIT $limit;

-- name: insert_score
INSERT INTO scores (call_id, score, red_line_failed, flagged, scorecard_version, unscored_reason)
VALUES (?, ?, ?, ?, ?, ?);

-- name: insert_score_item
INSERT INTO score_items (call_id, item_id, item_group, item_name, n_findings, deduction, red_line)
VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: insert_segment
INSERT INTO segments (call_id, seg_index, start_s, end_s, speaker, role, text, confidence, words)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: insert_finding
-- finding_id: the stable id (macro finding_id_of, migration 010). Ends in one VALUES tuple, which
-- pipeline.store.calls.insert_rows repeats for many rows.
INSERT INTO findings (call_id, finding_index, category, rule_id, severity, role, start_s, end_s,
                      evidence, details, root_cause, ruleset_version, finding_id)
SELECT col0, col1, col2, col3, col4, col5, col6, col7, col8, col9, col10, col11,
       finding_id_of(col0, col2, col5, col6)
FROM VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: insert_run
INSERT INTO runs (run_id, started_at, callqa_version, archive, config_hash, config, asr_model, ruleset_version)
VALUES (?, now(), ?, ?, ?, ?, ?, ?);

-- name: set_run_models
UPDATE runs SET models = ? WHERE run_id = ?;

-- name: finish_run
UPDATE runs SET finished_at = now(), n_ok = ?, n_failed = ?, audio_s = ?, wall_s = ? WHERE run_id = ?;

-- name: upsert_agent
INSERT OR REPLACE INTO agents (agent_id, name, team, hire_date) VALUES (?, ?, ?, ?);

-- name: applied_migrations
SELECT version FROM schema_migrations ORDER BY version;

-- name: calls_to_purge
-- A call just processed (a backfill of old recordings) is kept for a day, for the morning's report.
SELECT call_id FROM calls
WHERE call_date < $before AND purged_at IS NULL AND processed_at < now() - INTERVAL 1 DAY;

-- name: purge_segments
DELETE FROM segments WHERE list_contains($call_ids, call_id);

-- name: purge_evidence
UPDATE findings SET evidence = '(purged)' WHERE list_contains($call_ids, call_id);

-- name: mark_purged
UPDATE calls SET purged_at = now() WHERE list_contains($call_ids, call_id);

-- name: same_audio_elsewhere
-- Another call already stored from the same bytes: a copy under a second name is not counted twice.
SELECT call_id, audio_path FROM calls
WHERE audio_sha256 = $sha256 AND call_id <> $call_id AND status = 'ok'
ORDER BY processed_at LIMIT 1;

-- Set-based replacement of a batch of calls (pipeline.store.calls.replace_calls, callqa rescore), from
-- registered frames: new_calls, new_segments, new_findings, new_scores and new_score_items hold the
-- new rows ($first and $last: the batch's smallest and largest call id). Rows are upserted and what
-- the new rows do not cover is deleted: a row deleted and inserted again costs DuckDB index updates
-- at commit, several times what replacing its values in place does.

-- name: upsert_batch_calls
-- Every column, so that nothing of the old row stays (purged_at is NULL, as in a row written anew).
INSERT OR REPLACE INTO calls (call_id, agent_id, started_at, audio_path, audio_sha256, duration_s, sample_rate,
                              channels, status, error_kind, error, asr_model, n_segments, n_findings, run_id,
                              processed_at, wall_s, call_date, sample_bucket, agent_talk_s, customer_talk_s,
                              unknown_talk_s, non_talk_s, non_talk_share, max_gap_s, gaps_over_5s, gaps_over_10s,
                              overlap_s, agent_customer_talk_ratio, hold_s, music_s, agent_chars_per_min,
                              agent_syllables_per_min, purged_at, roles_method, n_speakers, agent_speaker,
                              roles_confidence, role_cues, caller_hash, first_response_s,
                              first_response_after_customer_s, response_latency_median_s,
                              response_latency_max_s, n_responses, handling_s, hold_share, last_role,
                              tail_s, tail_music_s, abnormal_hangup, hangup_reason)
SELECT call_id, agent_id, started_at, audio_path, audio_sha256, duration_s, sample_rate,
       channels, status, error_kind, error, asr_model, n_segments, n_findings, run_id,
       now(), wall_s, call_date, sample_bucket, agent_talk_s, customer_talk_s,
       unknown_talk_s, non_talk_s, non_talk_share, max_gap_s, gaps_over_5s, gaps_over_10s,
       overlap_s, agent_customer_talk_ratio, hold_s, music_s, agent_chars_per_min,
       agent_syllables_per_min, NULL, roles_method, n_speakers, agent_speaker,
       roles_confidence, role_cues, caller_hash, first_response_s,
       first_response_after_customer_s, response_latency_median_s,
       response_latency_max_s, n_responses, handling_s, hold_share, last_role,
       tail_s, tail_music_s, abnormal_hangup, hangup_reason
FROM new_calls;

-- name: delete_batch_extra_segments
-- Segments past a call's new count (new_calls.n_segments).
DELETE FROM segments USING new_calls c
WHERE segments.call_id BETWEEN $first AND $last AND segments.call_id = c.call_id AND segments.seg_index >= c.n_segments;

-- name: upsert_batch_segments
INSERT OR REPLACE INTO segments (call_id, seg_index, start_s, end_s, speaker, role, text, confidence, words)
SELECT call_id, seg_index, start_s, end_s, speaker, role, text, confidence, words FROM new_segments;

-- name: delete_batch_extra_findings
-- Findings past a call's new count (new_calls.n_findings).
DELETE FROM findings USING new_calls c
WHERE findings.call_id BETWEEN $first AND $last AND findings.call_id = c.call_id AND findings.finding_index >= c.n_findings;

-- name: upsert_batch_findings
INSERT OR REPLACE INTO findings (call_id, finding_index, category, rule_id, severity, role, start_s, end_s,
                                 evidence, details, root_cause, ruleset_version, finding_id)
SELECT call_id, finding_index, category, rule_id, severity, role, start_s, end_s,
       evidence, details, root_cause, ruleset_version, finding_id_of(call_id, category, role, start_s)
FROM new_findings;

-- name: delete_batch_dropped_scores
DELETE FROM scores
WHERE call_id BETWEEN $first AND $last AND call_id IN (SELECT call_id FROM new_calls)
  AND call_id NOT IN (SELECT call_id FROM new_scores);

-- name: upsert_batch_scores
INSERT OR REPLACE INTO scores (call_id, score, red_line_failed, flagged, scorecard_version, unscored_reason)
SELECT call_id, score, red_line_failed, flagged, scorecard_version, unscored_reason FROM new_scores;

-- name: delete_batch_dropped_score_items
DELETE FROM score_items AS old
WHERE call_id BETWEEN $first AND $last AND call_id IN (SELECT call_id FROM new_calls)
  AND NOT EXISTS (SELECT 1 FROM new_score_items n WHERE n.call_id = old.call_id AND n.item_id = old.item_id);

-- name: upsert_batch_score_items
INSERT OR REPLACE INTO score_items (call_id, item_id, item_group, item_name, n_findings, deduction, red_line)
SELECT call_id, item_id, item_group, item_name, n_findings, deduction, red_line FROM new_score_items;
