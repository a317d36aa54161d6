-- callqa schema, version 7: the Pareto counts what someone has to fix. The pareto_by_* macros take
-- a least severity (default minor: info findings such as a customer giving their own number or
-- hold music are facts, not faults); the v_pareto_* views use the default. [review]
-- pareto_min_severity sets what the report's chart counts; pass 'info' to count everything.

-- Pareto of findings by root cause between two call dates (inclusive), of min_severity and above.
CREATE OR REPLACE MACRO pareto_by_root_cause(date_from, date_to, min_severity := 'minor') AS TABLE
WITH counts AS (
    SELECT coalesce(f.root_cause, 'unmapped') AS root_cause, count(*) AS n
    FROM findings f JOIN calls c USING (call_id)
    WHERE c.call_date BETWEEN date_from AND date_to
      AND list_position(['info', 'minor', 'major', 'critical'], f.severity)
          >= list_position(['info', 'minor', 'major', 'critical'], min_severity)
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

-- Pareto of findings by rule (category + rule_id) between two call dates (inclusive), of min_severity and above.
CREATE OR REPLACE MACRO pareto_by_rule(date_from, date_to, min_severity := 'minor') AS TABLE
WITH counts AS (
    SELECT f.category, f.rule_id, count(*) AS n
    FROM findings f JOIN calls c USING (call_id)
    WHERE c.call_date BETWEEN date_from AND date_to
      AND list_position(['info', 'minor', 'major', 'critical'], f.severity)
          >= list_position(['info', 'minor', 'major', 'critical'], min_severity)
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

COMMENT ON VIEW v_pareto_root_cause IS 'Pareto of the findings of severity minor and above by root cause: count, share, cumulative share, vital_few (the causes that make the first 80 %). For a period or another least severity: SELECT * FROM pareto_by_root_cause(DATE ''2026-11-01'', DATE ''2026-11-30'', min_severity := ''info'').';
COMMENT ON VIEW v_pareto_rule IS 'Pareto of the findings of severity minor and above by category and rule_id; for a period or another least severity use pareto_by_rule(date_from, date_to[, min_severity := ''info''])';
