-- Copying the review store into the analysts' DuckDB (pipeline.review.publish), in the one
-- transaction of a publication. Frames registered by the caller: store_verdicts (times as text),
-- store_appeals, store_rechecks, store_signoffs, store_adjusted.

-- name: clear
DELETE FROM reviews; DELETE FROM appeals; DELETE FROM rechecks; DELETE FROM signoffs;
DELETE FROM adjusted_scores; DELETE FROM review_publication;

-- name: copy_verdicts
-- latest: the finding's last verdict. stale: the finding is gone from findings, or its rule
-- changed since the verdict (the finding_id does not contain the rule, on purpose).
INSERT INTO reviews
SELECT v.verdict_id, v.finding_id, v.call_id, v.rule_id, v.category, v.ruleset_version, v.verdict,
       v.note, v.user_name, CAST(v.created_at AS TIMESTAMPTZ),
       v.verdict_id = max(v.verdict_id) OVER (PARTITION BY v.finding_id) AS latest,
       f.finding_id IS NULL OR f.rule_id <> v.rule_id AS stale,
       CASE WHEN f.finding_id IS NULL THEN 'finding gone'
            WHEN f.rule_id <> v.rule_id THEN 'rule changed (' || v.rule_id || ' -> ' || f.rule_id || ')'
       END AS stale_reason
FROM store_verdicts v
LEFT JOIN (SELECT call_id, finding_id, any_value(rule_id) AS rule_id FROM findings
           WHERE call_id IN (SELECT call_id FROM store_verdicts)  -- only the judged calls
           GROUP BY call_id, finding_id) f
       ON f.call_id = v.call_id AND f.finding_id = v.finding_id;

-- name: copy_appeals
INSERT INTO appeals SELECT appeal_id, call_id, finding_id, agent_id, user_name, reason, created_at,
                           decision, decision_note, decided_by, decided_at
FROM store_appeals;

-- name: copy_rechecks
INSERT INTO rechecks SELECT recheck_id, agent_id, n_calls, user_name, created_at FROM store_rechecks;

-- name: copy_signoffs
INSERT INTO signoffs SELECT signoff_id, batch_id, note, user_name, created_at FROM store_signoffs;

-- name: copy_adjusted
INSERT INTO adjusted_scores
SELECT call_id, adjusted_score, overturned_findings, whole_call_overturned, scorecard_version
FROM store_adjusted;

-- name: record_publication
INSERT INTO review_publication VALUES (now(), $store, $n_verdicts, $n_appeals, $problem);

-- name: record_problem
-- The store could not be read: the tables keep the previous copy, the problem is recorded.
UPDATE review_publication SET problem = $problem;

-- name: overturned_calls_findings
-- The findings and machine scores of the calls with an overturned appeal.
SELECT f.call_id, f.finding_id, f.category, f.rule_id, f.severity, f.role, f.start_s, f.end_s,
       s.score
FROM findings f JOIN scores s USING (call_id)
WHERE list_contains($call_ids, f.call_id)
ORDER BY f.call_id, f.finding_index;

-- name: machine_scores
SELECT call_id, score FROM scores WHERE list_contains($call_ids, call_id);
