-- Queries of the review workbench (pipeline/review/web/snapshot.py), one per "-- name:" block.
-- They read the published snapshot only, attached read-only as `snap` (the default schema). Every call query takes the user's scope:
--   $scope_all          true for users who see every call (admins; staff without a team)
--   $scope_agent        an agent's own agent_id (NULL for staff)
--   $scope_teams        the teams a reviewer, senior or lead works for (agents.team)
--   $scope_team_agents  agent ids that the review store's users put in those teams
-- so that a call outside the scope is answered exactly like an unknown one.

-- name: queue_table
-- The queue in the server's memory, built once per published snapshot (pipeline/review/web/
-- snapshot.py): calls joined with scores and agents, each call's categories, and the reason the
-- sampling policy takes it, numbered worst first (pos): red lines, then calls without a score
-- (not fully inspected), then the lowest score. Queue pages then read one table, no join, stored
-- in pos order so that a page's scan stops at its last row (queue_page).
CREATE OR REPLACE TABLE memory.main.queue AS
WITH categories AS (
    SELECT call_id, list(DISTINCT category) AS categories FROM snap.findings GROUP BY call_id
)
SELECT row_number() OVER (ORDER BY s.red_line_failed DESC, s.score ASC NULLS FIRST, c.started_at,
                                   c.call_id) AS pos,
       c.call_id, c.call_date, c.started_at, c.agent_id, a.name AS agent_name, a.team,
       s.score, s.red_line_failed, s.flagged, s.unscored_reason, c.n_findings, c.duration_s,
       coalesce(k.categories, []) AS categories,
       CASE WHEN s.red_line_failed THEN 'red_line'
            WHEN list_contains(k.categories, 'roles.undetermined') THEN 'roles_undetermined'
            WHEN a.hire_date IS NOT NULL AND c.call_date - a.hire_date < $new_hire_days THEN 'new_hire'
            WHEN c.sample_bucket < $sample_percent THEN 'random_sample'
       END AS policy_reason
FROM snap.calls c
JOIN snap.scores s USING (call_id)
LEFT JOIN snap.agents a USING (agent_id)
LEFT JOIN categories k USING (call_id)
ORDER BY pos;

-- The queue's filters, joined with AND by pipeline/review/web/snapshot.py in this order (the
-- cheap and selective first: DuckDB evaluates the next only on the rows left): only those a
-- request uses, so the plan never carries a filter that is switched off.
-- name: where_scope_agent
q.agent_id = $scope_agent
-- name: where_scope_teams
list_contains($scope_teams::VARCHAR[], q.team)
-- name: where_scope_teams_or_agents
(list_contains($scope_teams::VARCHAR[], q.team)
 OR list_contains($scope_team_agents::VARCHAR[], q.agent_id))
-- name: where_day
q.call_date = $day::DATE
-- name: where_agent
q.agent_id = $agent
-- name: where_team
q.team = $team
-- name: where_flagged
q.flagged = $flagged
-- name: where_sampled
(q.policy_reason IS NOT NULL) = $sampled
-- name: where_sampled_or_recheck
(q.policy_reason IS NOT NULL OR list_contains($recheck_ids::VARCHAR[], q.call_id)) = $sampled
-- name: where_flagged_or_sampled
(q.flagged OR q.policy_reason IS NOT NULL)
-- name: where_flagged_or_sampled_or_recheck
(q.flagged OR q.policy_reason IS NOT NULL OR list_contains($recheck_ids::VARCHAR[], q.call_id))
-- name: where_category
list_contains(q.categories, $category)
-- name: where_reviewed
(q.call_id IN (SELECT call_id FROM reviewed_calls)) = $reviewed

-- name: queue_count
SELECT count(*) FROM memory.main.queue q WHERE {where}

-- name: queue_page
-- One page, worst first: the positions first, then their rows (why sampled, reviewed or not).
-- No ORDER BY in `picked`: the table is stored in pos order and the connection preserves
-- insertion order (snapshot.py), so the scan returns rows in pos order and stops once the page
-- is full, instead of sorting every matching call; the outer ORDER BY sorts the page's rows.
WITH picked AS (
    SELECT q.pos FROM memory.main.queue q WHERE {where} LIMIT $limit OFFSET $offset
)
SELECT q.call_id, q.call_date, q.started_at, q.agent_id, q.agent_name, q.team, q.score,
       q.red_line_failed, q.flagged, q.unscored_reason, q.n_findings, q.duration_s,
       CASE WHEN list_contains($recheck_ids::VARCHAR[], q.call_id) THEN 'recheck'
            ELSE q.policy_reason END AS sample_reason,
       q.call_id IN (SELECT call_id FROM reviewed_calls) AS reviewed
FROM memory.main.queue q JOIN picked USING (pos)
ORDER BY q.pos

-- name: call_row
SELECT c.call_id, c.call_date, c.started_at, c.agent_id, a.name AS agent_name, a.team,
       c.duration_s, c.channels, c.status, c.roles_method, c.audio_sha256,
       s.score, s.red_line_failed, s.flagged, s.unscored_reason, s.scorecard_version
FROM calls c
LEFT JOIN scores s USING (call_id)
LEFT JOIN agents a USING (agent_id)
WHERE c.call_id = $call_id
  AND ($scope_all::BOOLEAN OR c.agent_id = $scope_agent::VARCHAR OR list_contains($scope_teams::VARCHAR[], a.team)
       OR list_contains($scope_team_agents::VARCHAR[], c.agent_id))

-- name: call_segments
SELECT seg_index, start_s, end_s, speaker, role, text
FROM segments WHERE call_id = $call_id ORDER BY seg_index

-- name: call_findings
SELECT finding_id, finding_index, category, rule_id, severity, role, start_s, end_s, evidence,
       root_cause, ruleset_version
FROM findings WHERE call_id = $call_id ORDER BY start_s, finding_index

-- name: call_items
SELECT item_id, item_group, item_name, n_findings, deduction, red_line
FROM score_items WHERE call_id = $call_id ORDER BY deduction DESC, item_id

-- name: rules_of_findings
-- The current rule of each finding a verdict names (wanted_findings: a table the caller
-- registers); a finding missing here is gone from the snapshot (a rescore no longer finds it).
SELECT f.finding_id, f.rule_id
FROM findings f
WHERE f.finding_id IN (SELECT finding_id FROM wanted_findings)

-- name: call_of_finding
SELECT call_id FROM findings WHERE finding_id = $finding_id

-- name: recheck_calls
-- The calls an agent under coaching made after the re-check was ordered, oldest first.
SELECT c.call_id, c.started_at, s.score, s.flagged, s.red_line_failed
FROM calls c JOIN scores s USING (call_id)
WHERE c.agent_id = $agent_id AND c.started_at > $since
ORDER BY c.started_at, c.call_id
LIMIT $n_calls

-- name: teams_of_agents
SELECT agent_id, team FROM agents WHERE list_contains($agent_ids::VARCHAR[], agent_id)
