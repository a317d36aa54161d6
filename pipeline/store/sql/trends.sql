-- Queries of the trend report (pipeline/reporting/trends.py), one per "-- name:" block.
-- $period is week, month or quarter (date_trunc); $team a team (agents.team, 'unknown' for calls
-- of agents not on the roster) or NULL for every call; dates are call dates, inclusive.

-- name: teams
SELECT coalesce(a.team, 'unknown') AS team, count(*) AS n_calls
FROM calls c LEFT JOIN agents a USING (agent_id)
WHERE c.status = 'ok'
GROUP BY ALL ORDER BY team;

-- name: bounds
SELECT min(c.call_date) AS first_day, max(c.call_date) AS last_day, count(*) AS n_calls
FROM calls c LEFT JOIN agents a USING (agent_id)
WHERE c.status = 'ok' AND ($team IS NULL OR coalesce(a.team, 'unknown') = $team)
  AND c.call_date BETWEEN $date_from AND $date_to;

-- name: score_distribution
-- Per period: calls, the five numbers of the scores (scored calls), the mean, the flagged share.
SELECT date_trunc($period, c.call_date)::DATE AS bucket, count(*) AS n_calls, count(s.score) AS n_scored,
       min(s.score) AS low, quantile_cont(s.score, 0.25) AS q1, median(s.score) AS median,
       quantile_cont(s.score, 0.75) AS q3, max(s.score) AS high, avg(s.score) AS mean,
       count(*) FILTER (WHERE s.flagged) / count(*) AS flagged_share
FROM calls c JOIN scores s USING (call_id) LEFT JOIN agents a USING (agent_id)
WHERE c.status = 'ok' AND c.call_date BETWEEN $date_from AND $date_to
  AND ($team IS NULL OR coalesce(a.team, 'unknown') = $team)
GROUP BY 1 ORDER BY 1;

-- name: category_rates
-- Per period and category: findings of $min_severity and above per 100 calls of the period (a
-- category absent in a period is 0 there).
WITH bucket_calls AS (
    SELECT date_trunc($period, c.call_date)::DATE AS bucket, count(*) AS n_calls
    FROM calls c LEFT JOIN agents a USING (agent_id)
    WHERE c.status = 'ok' AND c.call_date BETWEEN $date_from AND $date_to
      AND ($team IS NULL OR coalesce(a.team, 'unknown') = $team)
    GROUP BY 1
), counts AS (
    SELECT date_trunc($period, c.call_date)::DATE AS bucket, f.category, count(*) AS n
    FROM findings f JOIN calls c USING (call_id) LEFT JOIN agents a USING (agent_id)
    WHERE c.status = 'ok' AND c.call_date BETWEEN $date_from AND $date_to
      AND ($team IS NULL OR coalesce(a.team, 'unknown') = $team)
      AND list_position(['info', 'minor', 'major', 'critical'], f.severity)
          >= list_position(['info', 'minor', 'major', 'critical'], $min_severity)
    GROUP BY ALL
)
SELECT b.bucket, k.category, coalesce(n.n, 0) AS n, 100.0 * coalesce(n.n, 0) / b.n_calls AS per_100_calls
FROM bucket_calls b
CROSS JOIN (SELECT DISTINCT category FROM counts) AS k
LEFT JOIN counts n ON n.bucket = b.bucket AND n.category = k.category
ORDER BY k.category, b.bucket;

-- name: version_changes
-- When each rule-set version (runs.ruleset_version of the run that wrote the call) and scorecard
-- version (scores.scorecard_version) first and last shows in the calls of the range.
SELECT 'ruleset' AS kind, r.ruleset_version AS version, min(c.call_date) AS first_day,
       max(c.call_date) AS last_day, count(*) AS n_calls
FROM calls c JOIN runs r USING (run_id) LEFT JOIN agents a USING (agent_id)
WHERE c.status = 'ok' AND c.call_date BETWEEN $date_from AND $date_to AND r.ruleset_version IS NOT NULL
  AND ($team IS NULL OR coalesce(a.team, 'unknown') = $team)
GROUP BY ALL
UNION ALL
SELECT 'scorecard' AS kind, s.scorecard_version AS version, min(c.call_date) AS first_day,
       max(c.call_date) AS last_day, count(*) AS n_calls
FROM calls c JOIN scores s USING (call_id) LEFT JOIN agents a USING (agent_id)
WHERE c.status = 'ok' AND c.call_date BETWEEN $date_from AND $date_to
  AND ($team IS NULL OR coalesce(a.team, 'unknown') = $team)
GROUP BY ALL
ORDER BY kind, first_day, version;

-- name: pareto
-- The Pareto of a period by root cause: the macro of the analysts' views ([review] pareto_min_severity).
SELECT root_cause, n, share, cumulative_share, vital_few
FROM pareto_by_root_cause($date_from, $date_to, min_severity := $min_severity);

-- name: team_findings
-- The findings of one team's calls in a period, for its Pareto (pipeline.reporting.charts.pareto_table,
-- the same definition as the macro, which counts every team).
SELECT f.root_cause, f.severity
FROM findings f JOIN calls c USING (call_id) LEFT JOIN agents a USING (agent_id)
WHERE c.call_date BETWEEN $date_from AND $date_to AND coalesce(a.team, 'unknown') = $team;

-- name: teams_by_period
-- Per period and team: agents, calls, mean score, flagged share, findings ($min_severity and up) per 100 calls.
WITH finding_counts AS (
    SELECT f.call_id, count(*) AS n
    FROM findings f JOIN calls c USING (call_id)
    WHERE c.call_date BETWEEN $date_from AND $date_to
      AND list_position(['info', 'minor', 'major', 'critical'], f.severity)
          >= list_position(['info', 'minor', 'major', 'critical'], $min_severity)
    GROUP BY f.call_id
), per_call AS (
    SELECT c.call_id, c.agent_id, date_trunc($period, c.call_date)::DATE AS bucket,
           coalesce(a.team, 'unknown') AS team, s.score, s.flagged, coalesce(fc.n, 0) AS n_findings
    FROM calls c JOIN scores s USING (call_id) LEFT JOIN agents a USING (agent_id)
    LEFT JOIN finding_counts fc USING (call_id)
    WHERE c.status = 'ok' AND c.call_date BETWEEN $date_from AND $date_to
)
SELECT bucket, team, count(DISTINCT agent_id) AS n_agents, count(*) AS n_calls, avg(score) AS mean_score,
       count(*) FILTER (WHERE flagged) / count(*) AS flagged_share,
       100.0 * sum(n_findings) / count(*) AS findings_per_100_calls
FROM per_call
GROUP BY ALL ORDER BY team, bucket;
