-- Queries of the flagged-call report (pipeline/reporting/report.py), one per "-- name:" block.
-- Each selects the calls of the report by $call_ids (a list) taken from `report_calls`.

-- name: latest_run
SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1;

-- name: run_info
SELECT run_id, started_at, finished_at, archive, n_ok, n_failed, audio_s FROM runs WHERE run_id = $run_id;

-- name: calls_of_run
SELECT call_id FROM calls WHERE run_id = $run_id;

-- name: calls_of_date
SELECT call_id FROM calls WHERE call_date = $day;

-- name: flagged_calls
-- Red lines first, then calls not fully inspected (no score), then lowest score first (v_flagged_calls).
SELECT c.call_id, c.call_date, c.started_at, c.agent_id, a.name AS agent_name, a.team,
       s.score, s.red_line_failed, s.unscored_reason, c.duration_s, c.audio_path, r.archive,
       c.roles_method, c.n_speakers, c.agent_speaker, c.roles_confidence, c.role_cues
FROM calls c
JOIN scores s USING (call_id)
LEFT JOIN agents a USING (agent_id)
LEFT JOIN runs r ON r.run_id = c.run_id
WHERE s.flagged AND list_contains($call_ids, c.call_id)
ORDER BY s.red_line_failed DESC, s.score ASC NULLS FIRST, c.started_at, c.call_id;

-- name: roles_of_calls
-- How the roles of the report's calls were decided (calls.roles_method; NULL: stored before it was kept).
SELECT coalesce(roles_method, 'not recorded') AS roles_method, count(*) AS n_calls,
       round(avg(roles_confidence), 2) AS avg_confidence
FROM calls
WHERE status = 'ok' AND list_contains($call_ids, call_id)
GROUP BY ALL
ORDER BY n_calls DESC, roles_method;

-- name: findings_of_calls
SELECT f.call_id, f.category, f.rule_id, f.severity, f.role, f.start_s, f.end_s, f.evidence, f.root_cause
FROM findings f
WHERE list_contains($call_ids, f.call_id)
ORDER BY f.call_id, f.start_s, f.finding_index;

-- name: agent_category_of_calls
SELECT coalesce(c.agent_id, 'unknown') AS agent_id, f.category, count(*) AS n
FROM findings f JOIN calls c USING (call_id)
WHERE list_contains($call_ids, f.call_id)
GROUP BY ALL;

-- name: review_queue_of_calls
SELECT * FROM review_queue(DATE '0001-01-01', DATE '9999-12-31', $new_hire_days, $sample_percent)
WHERE list_contains($call_ids, call_id);
