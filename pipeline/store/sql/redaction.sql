-- Queries of `callqa redact` (pipeline/store/recordings.py), one per "-- name:" block: a call's
-- recording, and where in it personal data was heard. Never the evidence or any text.

-- name: recording_of_call
-- The call, where its recording is (audio_path under the archive of the run that last wrote it)
-- and which detectors that run had enabled (runs.config, as JSON).
SELECT c.call_id, c.status, c.error_kind, c.error, c.audio_path, c.audio_sha256, c.channels,
       c.agent_speaker, r.archive, json_extract(r.config, '$.detectors.enabled')::VARCHAR AS detectors
FROM calls c
LEFT JOIN runs r ON r.run_id = c.run_id
WHERE c.call_id = $call_id;

-- name: pii_spans_of_call
-- Every finding of a category under "pii." (ID card, bank card, phone, credential and any added
-- later), in time order.
SELECT category, role, start_s, end_s
FROM findings
WHERE call_id = $call_id AND starts_with(category, 'pii.')
ORDER BY start_s, end_s, finding_index;
