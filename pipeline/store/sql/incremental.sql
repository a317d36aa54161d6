-- Statements of incremental runs (pipeline.batch.incremental, pipeline.batch.rescore), one per "-- name:" block.

-- name: processed_files_of_archive
SELECT audio_path, audio_sha256, size_bytes, mtime_ns, status
FROM processed_files WHERE archive = ?;

-- name: calls_by_path
-- Calls written before processed_files existed (callqa run): identity is audio_path + audio_sha256.
SELECT audio_path, audio_sha256, status, call_id, run_id FROM calls WHERE audio_sha256 IS NOT NULL;

-- name: upsert_processed_file
INSERT OR REPLACE INTO processed_files
    (archive, audio_path, audio_sha256, size_bytes, mtime_ns, call_id, status, run_id, processed_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, now());

-- name: touch_processed_file
-- Same bytes, new modification time (copied or touched): remember the new time, keep the rest.
UPDATE processed_files SET size_bytes = ?, mtime_ns = ? WHERE archive = ? AND audio_path = ?;

-- name: set_run_details
UPDATE runs SET kind = ?, n_skipped = ?, flow_run_id = ? WHERE run_id = ?;

-- name: calls_to_rescore
-- Every column of calls (the acoustic metrics are carried over as they are) and the run's archive.
SELECT c.*, r.archive
FROM calls c LEFT JOIN runs r USING (run_id)
WHERE c.status = 'ok' AND c.purged_at IS NULL  -- purged calls have no words left to re-detect
ORDER BY c.call_id;

-- name: segments_of_calls
-- A batch of calls' segments, in the column order of insert_segment (rescore compares them with what it would write).
SELECT call_id, seg_index, start_s, end_s, speaker, role, text, confidence, words
FROM segments WHERE call_id BETWEEN $first AND $last AND call_id IN (SELECT unnest($call_ids))
ORDER BY call_id, seg_index;

-- name: kept_findings_of_calls
-- What rescoring cannot redo without audio or raw digits: PII and the acoustic stage's findings.
-- Customer emotion is re-detected from the text (and joined with the kept raised voice again).
SELECT call_id, category, rule_id, severity, role, start_s, end_s, evidence, details, root_cause, ruleset_version
FROM findings
WHERE call_id BETWEEN $first AND $last AND call_id IN (SELECT unnest($call_ids))
  AND category NOT LIKE 'phrase.%' AND category NOT LIKE 'script.%' AND category NOT LIKE 'emotion.%'
ORDER BY call_id, finding_index;

-- name: count_flagged
SELECT count(*) FROM scores WHERE flagged;
