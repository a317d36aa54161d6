-- callqa schema, version 2: scores with item breakdown, local call date, review sampling
-- bucket, and the analysts' views and table macros (Pareto, flagged calls, trends).

ALTER TABLE calls ADD COLUMN call_date DATE;
ALTER TABLE calls ADD COLUMN sample_bucket INTEGER;
COMMENT ON COLUMN calls.call_date IS 'Local date of the call ([archive] timezone): started_at, or the processing day when unknown.';
COMMENT ON COLUMN calls.sample_bucket IS '0..99 from md5(call_id): the review queue samples calls with sample_bucket < sample_percent, the same every time.';

CREATE TABLE scores (
    call_id           VARCHAR PRIMARY KEY,
    score             DOUBLE NOT NULL,
    red_line_failed   BOOLEAN NOT NULL,
    flagged           BOOLEAN NOT NULL,
    scorecard_version VARCHAR NOT NULL
);
COMMENT ON TABLE scores IS 'One row per successfully processed call: its 0–100 QA score (lexicons/scorecard.toml).';
COMMENT ON COLUMN scores.score IS '100 minus the capped item deductions; 0 when a red-line item matched.';
COMMENT ON COLUMN scores.red_line_failed IS 'A red-line item (一票否决) matched: the call fails whatever else it did.';
COMMENT ON COLUMN scores.flagged IS 'On the QA lead''s list: red line failed, score under flag_below, or an always_flag category found.';
COMMENT ON COLUMN scores.scorecard_version IS 'version of lexicons/scorecard.toml used.';
COMMENT ON COLUMN scores.call_id IS 'calls.call_id.';

CREATE TABLE score_items (
    call_id     VARCHAR NOT NULL,
    item_id     VARCHAR NOT NULL,
    item_group  VARCHAR NOT NULL,
    item_name   VARCHAR NOT NULL,
    n_findings  INTEGER NOT NULL,
    deduction   DOUBLE NOT NULL,
    red_line    BOOLEAN NOT NULL,
    PRIMARY KEY (call_id, item_id)
);
COMMENT ON TABLE score_items IS 'The breakdown of each score: one row per scorecard item that deducted points from the call.';
COMMENT ON COLUMN score_items.item_group IS 'Scorecard group: 基础服务, 沟通技巧, 合规, 服务禁忌 …';
COMMENT ON COLUMN score_items.deduction IS 'Points deducted by this item (per-finding deduction times findings, capped).';
COMMENT ON COLUMN score_items.call_id IS 'calls.call_id.';
COMMENT ON COLUMN score_items.item_id IS 'Item id in lexicons/scorecard.toml.';
COMMENT ON COLUMN score_items.item_name IS 'Item name as QA documents call it (服务禁语 ...).';
COMMENT ON COLUMN score_items.n_findings IS 'Findings of the call that matched the item.';
COMMENT ON COLUMN score_items.red_line IS 'The item is a red line: the call scored 0.';

-- Pareto of findings by root cause between two call dates (inclusive).
CREATE MACRO pareto_by_root_cause(date_from, date_to) AS TABLE
WITH counts AS (
    SELECT coalesce(f.root_cause, 'unmapped') AS root_cause, count(*) AS n
    FROM findings f JOIN calls c USING (call_id)
    WHERE c.call_date BETWEEN date_from AND date_to
    GROUP BY 1
), shares AS (
    SELECT root_cause, n,
           n / sum(n) OVER () AS share,
           sum(n) OVER (ORDER BY n DESC, root_cause ROWS UNBOUNDED PRECEDING) / sum(n) OVER () AS cumulative_share
    FROM counts
)
SELECT row_number() OVER (ORDER BY n DESC, root_cause) AS rank, root_cause, n, share, cumulative_share,
       coalesce(lag(cumulative_share) OVER (ORDER BY n DESC, root_cause), 0) < 0.8 AS vital_few
FROM shares
ORDER BY rank;

-- Pareto of findings by rule (category + rule_id) between two call dates (inclusive).
CREATE MACRO pareto_by_rule(date_from, date_to) AS TABLE
WITH counts AS (
    SELECT f.category, f.rule_id, count(*) AS n
    FROM findings f JOIN calls c USING (call_id)
    WHERE c.call_date BETWEEN date_from AND date_to
    GROUP BY 1, 2
), shares AS (
    SELECT category, rule_id, n,
           n / sum(n) OVER () AS share,
           sum(n) OVER (ORDER BY n DESC, category, rule_id ROWS UNBOUNDED PRECEDING) / sum(n) OVER () AS cumulative_share
    FROM counts
)
SELECT row_number() OVER (ORDER BY n DESC, category, rule_id) AS rank, category, rule_id, n, share, cumulative_share,
       coalesce(lag(cumulative_share) OVER (ORDER BY n DESC, category, rule_id), 0) < 0.8 AS vital_few
FROM shares
ORDER BY rank;

CREATE VIEW v_pareto_root_cause AS SELECT * FROM pareto_by_root_cause(DATE '0001-01-01', DATE '9999-12-31');
COMMENT ON VIEW v_pareto_root_cause IS 'Pareto of all findings by root cause: count, share, cumulative share, vital_few (the causes that make the first 80 %). For a period: SELECT * FROM pareto_by_root_cause(DATE ''2026-11-01'', DATE ''2026-11-30'').';
CREATE VIEW v_pareto_rule AS SELECT * FROM pareto_by_rule(DATE '0001-01-01', DATE '9999-12-31');
COMMENT ON VIEW v_pareto_rule IS 'Pareto of all findings by category and rule_id; for a period use pareto_by_rule(date_from, date_to).';

CREATE VIEW v_flagged_calls AS
SELECT c.call_id, c.call_date, c.started_at, c.agent_id, a.name AS agent_name, a.team,
       s.score, s.red_line_failed, c.n_findings, c.duration_s, c.audio_path, c.run_id
FROM calls c
JOIN scores s USING (call_id)
LEFT JOIN agents a USING (agent_id)
WHERE s.flagged
ORDER BY s.red_line_failed DESC, s.score ASC, c.started_at;
COMMENT ON VIEW v_flagged_calls IS 'The QA lead''s list: red-line failures first, then lowest score first.';

CREATE VIEW v_agent_daily AS
SELECT c.agent_id, a.name AS agent_name, a.team, c.call_date,
       count(*) AS n_calls, round(avg(s.score), 2) AS avg_score, min(s.score) AS min_score,
       count(*) FILTER (WHERE s.flagged) AS n_flagged,
       count(*) FILTER (WHERE s.red_line_failed) AS n_red_line,
       sum(c.n_findings) AS n_findings
FROM calls c
JOIN scores s USING (call_id)
LEFT JOIN agents a USING (agent_id)
GROUP BY ALL;
COMMENT ON VIEW v_agent_daily IS 'Per agent and day: calls, average and lowest score, flagged and red-line calls, findings.';

CREATE VIEW v_team_daily AS
SELECT coalesce(a.team, 'unknown') AS team, c.call_date,
       count(DISTINCT c.agent_id) AS n_agents, count(*) AS n_calls, round(avg(s.score), 2) AS avg_score,
       count(*) FILTER (WHERE s.flagged) AS n_flagged, sum(c.n_findings) AS n_findings
FROM calls c
JOIN scores s USING (call_id)
LEFT JOIN agents a USING (agent_id)
GROUP BY ALL;
COMMENT ON VIEW v_team_daily IS 'Per team and day: agents, calls, average score, flagged calls, findings (the trend lines).';

CREATE VIEW v_agent_category AS
SELECT c.agent_id, coalesce(a.team, 'unknown') AS team, c.call_date, f.category, count(*) AS n
FROM findings f
JOIN calls c USING (call_id)
LEFT JOIN agents a USING (agent_id)
GROUP BY ALL;
COMMENT ON VIEW v_agent_category IS 'Findings per agent, day and category: the agents × categories heat map.';

-- The review queue of the sampling policy: every red-line call, every call of an agent hired
-- within new_hire_days of the call, and sample_percent % of the others (by sample_bucket).
CREATE MACRO review_queue(date_from, date_to, new_hire_days, sample_percent) AS TABLE
SELECT c.call_id, c.call_date, c.agent_id, a.name AS agent_name, a.team, s.score, s.red_line_failed,
       CASE WHEN s.red_line_failed THEN 'red_line'
            WHEN a.hire_date IS NOT NULL AND c.call_date - a.hire_date < new_hire_days THEN 'new_hire'
            ELSE 'random_sample' END AS reason,
       c.audio_path
FROM calls c
JOIN scores s USING (call_id)
LEFT JOIN agents a USING (agent_id)
WHERE c.call_date BETWEEN date_from AND date_to
  AND (s.red_line_failed
       OR (a.hire_date IS NOT NULL AND c.call_date - a.hire_date < new_hire_days)
       OR c.sample_bucket < sample_percent)
ORDER BY s.red_line_failed DESC, reason, s.score ASC, c.call_id;
