-- Queries of the coaching report (pipeline/reporting/coaching.py), one per "-- name:" block.
-- An agent's period ($date_from .. $date_to, call dates inclusive) against their peers ($team:
-- the agent's team, or NULL for every agent). What counts against an agent: findings of
-- $min_severity and above that concern the agent (role agent or both), inspection gaps
-- (roles.undetermined: nothing was inspected) left out.

-- name: agent
SELECT $agent_id AS agent_id, a.name, a.team, a.hire_date,
       (SELECT count(*) FROM calls WHERE agent_id = $agent_id) AS n_calls_ever,
       (SELECT min(call_date) FROM calls WHERE agent_id = $agent_id AND status = 'ok') AS first_day,
       (SELECT max(call_date) FROM calls WHERE agent_id = $agent_id AND status = 'ok') AS last_day,
       (SELECT count(*) FROM calls WHERE agent_id = $agent_id AND status = 'ok'
          AND call_date BETWEEN $date_from AND $date_to) AS n_calls
FROM (SELECT 1) AS one LEFT JOIN agents a ON a.agent_id = $agent_id;

-- name: team_size
-- Agents of a team with calls in the period (a median of one agent says nothing).
SELECT count(DISTINCT c.agent_id) AS n_agents
FROM calls c JOIN agents a USING (agent_id)
WHERE c.status = 'ok' AND c.call_date BETWEEN $date_from AND $date_to AND a.team = $team;

-- name: summary
-- The agent's period against the peers: calls, scores, the median of the peers' average scores.
WITH per_agent AS (
    SELECT c.agent_id, count(*) AS n_calls, avg(s.score) AS avg_score,
           count(*) FILTER (WHERE s.flagged) AS n_flagged,
           count(*) FILTER (WHERE s.red_line_failed) AS n_red_line,
           count(*) FILTER (WHERE s.score IS NULL) AS n_unscored,
           count(*) FILTER (WHERE s.score = 100) AS n_full_marks
    FROM calls c JOIN scores s USING (call_id) LEFT JOIN agents a USING (agent_id)
    WHERE c.status = 'ok' AND c.call_date BETWEEN $date_from AND $date_to
      AND c.agent_id IS NOT NULL AND ($team IS NULL OR a.team = $team OR c.agent_id = $agent_id)
    GROUP BY c.agent_id
)
SELECT max(n_calls) FILTER (WHERE agent_id = $agent_id) AS n_calls,
       max(avg_score) FILTER (WHERE agent_id = $agent_id) AS avg_score,
       max(n_flagged) FILTER (WHERE agent_id = $agent_id) AS n_flagged,
       max(n_red_line) FILTER (WHERE agent_id = $agent_id) AS n_red_line,
       max(n_unscored) FILTER (WHERE agent_id = $agent_id) AS n_unscored,
       max(n_full_marks) FILTER (WHERE agent_id = $agent_id) AS n_full_marks,
       median(avg_score) AS peer_median_score,
       count(*) AS n_peers
FROM per_agent;

-- name: score_trend
-- Per day or week ($bucket): the agent's average score and the peers' median call score.
SELECT date_trunc($bucket, c.call_date)::DATE AS bucket,
       avg(s.score) FILTER (WHERE c.agent_id = $agent_id) AS agent_score,
       median(s.score) AS peer_median_score,
       count(*) FILTER (WHERE c.agent_id = $agent_id) AS agent_calls
FROM calls c JOIN scores s USING (call_id) LEFT JOIN agents a USING (agent_id)
WHERE c.status = 'ok' AND c.call_date BETWEEN $date_from AND $date_to
  AND ($team IS NULL OR a.team = $team OR c.agent_id = $agent_id)
GROUP BY 1 ORDER BY 1;

-- name: category_comparison
-- Per category: the agent's findings per 100 calls and the median of the peers' rates (an agent
-- without such findings counts as 0).
WITH agent_calls AS (
    SELECT c.agent_id, count(*) AS n_calls
    FROM calls c LEFT JOIN agents a USING (agent_id)
    WHERE c.status = 'ok' AND c.call_date BETWEEN $date_from AND $date_to
      AND c.agent_id IS NOT NULL AND ($team IS NULL OR a.team = $team OR c.agent_id = $agent_id)
    GROUP BY c.agent_id
), counts AS (
    SELECT c.agent_id, f.category, count(*) AS n
    FROM findings f JOIN calls c USING (call_id)
    WHERE c.status = 'ok' AND c.call_date BETWEEN $date_from AND $date_to
      AND f.role IN ('agent', 'both') AND f.category <> 'roles.undetermined'
      AND list_position(['info', 'minor', 'major', 'critical'], f.severity)
          >= list_position(['info', 'minor', 'major', 'critical'], $min_severity)
    GROUP BY ALL
), rates AS (
    SELECT ac.agent_id, k.category, coalesce(n.n, 0) AS n, 100.0 * coalesce(n.n, 0) / ac.n_calls AS per_100
    FROM agent_calls ac
    CROSS JOIN (SELECT DISTINCT category FROM counts) AS k
    LEFT JOIN counts n ON n.agent_id = ac.agent_id AND n.category = k.category
)
SELECT category,
       max(n) FILTER (WHERE agent_id = $agent_id) AS agent_n,
       max(per_100) FILTER (WHERE agent_id = $agent_id) AS agent_per_100,
       median(per_100) AS peer_median_per_100,
       count(*) AS n_peers
FROM rates
GROUP BY category
HAVING max(per_100) FILTER (WHERE agent_id = $agent_id) IS NOT NULL
ORDER BY category;

-- name: evidence
-- The agent's findings with evidence, those of $categories first (in that order), worst first.
SELECT c.call_id, c.call_date, c.started_at, f.category, f.rule_id, f.severity, f.start_s, f.end_s,
       f.evidence, s.score
FROM findings f JOIN calls c USING (call_id) JOIN scores s USING (call_id)
WHERE c.agent_id = $agent_id AND c.status = 'ok' AND c.call_date BETWEEN $date_from AND $date_to
  AND c.purged_at IS NULL AND f.evidence <> ''
  AND f.role IN ('agent', 'both') AND f.category <> 'roles.undetermined'
  AND list_position(['info', 'minor', 'major', 'critical'], f.severity)
      >= list_position(['info', 'minor', 'major', 'critical'], $min_severity)
ORDER BY coalesce(list_position($categories, f.category), 1000),
         list_position(['info', 'minor', 'major', 'critical'], f.severity) DESC,
         c.call_date DESC, c.call_id, f.start_s
LIMIT 50;

-- name: view_exists
-- Review data is published into the snapshot by the review workbench; older snapshots lack it.
SELECT count(*) AS n FROM duckdb_views() WHERE view_name = $name AND NOT internal;

-- name: view_columns
SELECT column_name FROM duckdb_columns() WHERE table_name = $name ORDER BY column_index;

-- name: adjusted_summary
-- The agent's period in the review workbench's view (migration 010): machine and adjusted means.
SELECT count(*) AS n_calls, avg(machine_score) AS avg_machine_score,
       avg(adjusted_score) AS avg_adjusted_score,
       count(*) FILTER (WHERE n_overturned > 0 OR whole_call_overturned) AS n_calls_adjusted
FROM v_agent_adjusted_scores
WHERE agent_id = $agent_id AND call_date BETWEEN $date_from AND $date_to;

-- name: adjusted_calls
-- The agent's calls of the period whose score an overturned appeal changed.
SELECT call_id, call_date, machine_score, adjusted_score, n_overturned, whole_call_overturned
FROM v_agent_adjusted_scores
WHERE agent_id = $agent_id AND call_date BETWEEN $date_from AND $date_to
  AND (n_overturned > 0 OR whole_call_overturned)
ORDER BY call_date, call_id;

-- name: recheck_rates
-- Re-check pass rate (复检合格率) of the agent and of the agent's team (all re-checks so far).
SELECT level, n_rechecked, n_passed, pass_rate
FROM v_recheck_pass_rate
WHERE (level = 'agent' AND agent_id = $agent_id) OR (level = 'team' AND team = $team);

-- name: recheck_calls
-- The agent's re-checked calls, latest re-check first.
SELECT recheck_id, seq, call_id, started_at, passed
FROM v_recheck_calls
WHERE agent_id = $agent_id
ORDER BY recheck_id DESC, seq
LIMIT 20;
