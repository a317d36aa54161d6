-- Operational metrics and alerts (pipeline.store.operational).

-- name: clear_metric_settings
DELETE FROM metric_settings;

-- name: insert_metric_settings
INSERT INTO metric_settings (repeat_days) VALUES ($repeat_days);

-- name: alert_calls
-- The run's calls that need a supervisor: a red line failed, or the customer escalated
-- (phrase.escalation). Red lines first, then the lowest score (unscored first).
WITH escalated AS (
    SELECT DISTINCT call_id FROM findings WHERE category = 'phrase.escalation'
)
SELECT c.call_id, c.agent_id, a.name AS agent_name, a.team, c.started_at, s.score,
       s.red_line_failed, e.call_id IS NOT NULL AS escalation,
       (SELECT list(DISTINCT f.category ORDER BY f.category) FROM findings f WHERE f.call_id = c.call_id) AS categories
FROM calls c
JOIN scores s USING (call_id)
LEFT JOIN agents a USING (agent_id)
LEFT JOIN escalated e USING (call_id)
WHERE c.run_id = $run_id AND (s.red_line_failed OR e.call_id IS NOT NULL)
ORDER BY s.red_line_failed DESC, s.score ASC NULLS FIRST, c.started_at, c.call_id;

-- name: alert_evidence
-- The findings of the listed calls, most severe first, with their masked evidence.
SELECT call_id, category, severity, start_s, evidence
FROM (
    SELECT f.call_id, f.category, f.severity, f.start_s, f.evidence,
           row_number() OVER (PARTITION BY f.call_id
                              ORDER BY list_position(['info', 'minor', 'major', 'critical'], f.severity) DESC,
                                       f.category = 'phrase.escalation' DESC, f.start_s) AS rank
    FROM findings f
    WHERE f.call_id IN (SELECT unnest($call_ids)) AND f.evidence IS NOT NULL AND f.evidence <> ''
)
WHERE rank <= $per_call
ORDER BY call_id, rank;
