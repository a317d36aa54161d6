-- Queries of the analyst notebooks (pipeline/reporting/analytics.py), one per "-- name:" block.

-- name: period
SELECT min(call_date) AS first_day, max(call_date) AS last_day, count(*) AS n_calls FROM calls WHERE status = 'ok';

-- name: pareto_root_cause
SELECT * FROM pareto_by_root_cause($date_from, $date_to);

-- name: pareto_rule
SELECT * FROM pareto_by_rule($date_from, $date_to);

-- name: rules_of_root_cause
SELECT f.category, f.rule_id, count(*) AS n
FROM findings f JOIN calls c USING (call_id)
WHERE coalesce(f.root_cause, 'unmapped') = $root_cause AND c.call_date BETWEEN $date_from AND $date_to
GROUP BY ALL ORDER BY n DESC, f.rule_id;

-- name: teams_of_root_cause
SELECT coalesce(a.team, 'unknown') AS team, count(*) AS n, count(DISTINCT c.call_id) AS n_calls
FROM findings f JOIN calls c USING (call_id) LEFT JOIN agents a USING (agent_id)
WHERE coalesce(f.root_cause, 'unmapped') = $root_cause AND c.call_date BETWEEN $date_from AND $date_to
GROUP BY ALL ORDER BY n DESC, team;

-- name: examples_of_root_cause
SELECT c.call_id, c.call_date, c.agent_id, f.rule_id, round(f.start_s, 1) AS at_s, f.evidence
FROM findings f JOIN calls c USING (call_id)
WHERE coalesce(f.root_cause, 'unmapped') = $root_cause AND c.call_date BETWEEN $date_from AND $date_to
ORDER BY f.severity DESC, c.call_date DESC, c.call_id, f.start_s
LIMIT $limit;

-- name: agent_daily
SELECT * FROM v_agent_daily WHERE call_date BETWEEN $date_from AND $date_to ORDER BY call_date, agent_id;

-- name: team_daily
SELECT * FROM v_team_daily WHERE call_date BETWEEN $date_from AND $date_to ORDER BY call_date, team;

-- name: agent_category
SELECT agent_id, category, sum(n)::INTEGER AS n FROM v_agent_category
WHERE call_date BETWEEN $date_from AND $date_to GROUP BY ALL;

-- name: agent_category_weekly
-- Per agent and ISO week: calls and findings of one category per 100 calls.
SELECT c.agent_id, date_trunc('week', c.call_date) AS week, count(DISTINCT c.call_id) AS n_calls,
       count(f.call_id) AS n_findings, 100.0 * count(f.call_id) / count(DISTINCT c.call_id) AS per_100_calls
FROM calls c LEFT JOIN findings f ON f.call_id = c.call_id AND f.category = $category
WHERE c.status = 'ok' AND c.call_date BETWEEN $date_from AND $date_to
GROUP BY ALL ORDER BY c.agent_id, week;

-- name: cohorts
-- New hires (hired less than $new_hire_days before the call) against tenured agents.
SELECT CASE WHEN a.hire_date IS NULL THEN 'unknown'
            WHEN c.call_date - a.hire_date < $new_hire_days THEN 'new hire' ELSE 'tenured' END AS cohort,
       count(*) AS n_calls, round(avg(s.score), 2) AS avg_score,
       round(avg(c.n_findings), 2) AS findings_per_call,
       round(100.0 * count(*) FILTER (WHERE s.flagged) / count(*), 1) AS flagged_percent
FROM calls c JOIN scores s USING (call_id) LEFT JOIN agents a USING (agent_id)
WHERE c.call_date BETWEEN $date_from AND $date_to
GROUP BY ALL ORDER BY cohort;
