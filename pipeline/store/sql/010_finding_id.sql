-- callqa schema, version 10: a stable finding identity, and the review workbench's state as the
-- analysts see it. The review store (SQLite or PostgreSQL, [review] store) is the record; these
-- tables are a copy of it that each publication of the snapshot refreshes
-- (pipeline.review.publish), so they exist, empty, where no review store does.

-- The stable id (why these parts: pipeline/store/finding_ids.py, which computes the same in
-- Python): the first 16 hex digits of sha256 over 'call_id|category|role|start' with the start
-- in seconds to one decimal. The insert queries (queries.sql) use the macro; this backfills.
CREATE MACRO finding_id_of(call_id, category, role, start_s) AS
    substr(sha256(call_id || '|' || category || '|' || role || '|' || printf('%.1f', CAST(start_s AS DOUBLE))), 1, 16);
ALTER TABLE findings ADD COLUMN finding_id VARCHAR;
UPDATE findings SET finding_id = finding_id_of(call_id, category, role, start_s);
COMMENT ON COLUMN findings.finding_id IS 'Stable id of the finding: the first 16 hex digits of sha256(''call_id|category|role|start_s to 0.1 s''). A rescore that finds the same thing at the same time gives the same id, whatever its finding_index or rule_id, so reviewers'' verdicts stay attached (reviews.finding_id).';

CREATE TABLE reviews (
    verdict_id      BIGINT NOT NULL,
    finding_id      VARCHAR NOT NULL,
    call_id         VARCHAR NOT NULL,
    rule_id         VARCHAR NOT NULL,
    category        VARCHAR NOT NULL,
    ruleset_version VARCHAR,
    verdict         VARCHAR NOT NULL,
    note            VARCHAR,
    user_name       VARCHAR NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    latest          BOOLEAN NOT NULL,
    stale           BOOLEAN NOT NULL,
    stale_reason    VARCHAR
);
COMMENT ON TABLE reviews IS 'Reviewers'' verdicts on findings (confirmed / rejected / unsure), copied from the review store at each publication; append-only there, so a finding may have several (latest marks the one that counts).';
COMMENT ON COLUMN reviews.verdict_id IS 'Id of the verdict in the review store, in the order they were given.';
COMMENT ON COLUMN reviews.finding_id IS 'findings.finding_id of the finding judged.';
COMMENT ON COLUMN reviews.call_id IS 'calls.call_id.';
COMMENT ON COLUMN reviews.rule_id IS 'The finding''s rule_id when the verdict was given.';
COMMENT ON COLUMN reviews.category IS 'The finding''s category when the verdict was given.';
COMMENT ON COLUMN reviews.ruleset_version IS 'lexicons/VERSION of the finding when the verdict was given (NULL when the workbench did not say).';
COMMENT ON COLUMN reviews.verdict IS 'confirmed (the machine was right), rejected (a false alarm) or unsure.';
COMMENT ON COLUMN reviews.note IS 'The reviewer''s note, masked like transcripts are.';
COMMENT ON COLUMN reviews.user_name IS 'The reviewer (a user of `callqa users`).';
COMMENT ON COLUMN reviews.created_at IS 'When the verdict was given.';
COMMENT ON COLUMN reviews.latest IS 'The finding''s most recent verdict: the one precision counts.';
COMMENT ON COLUMN reviews.stale IS 'The finding is gone from findings (a rescore no longer finds it) or its rule_id changed since the verdict: kept for the record, not counted in v_rule_precision.';
COMMENT ON COLUMN reviews.stale_reason IS 'finding gone, or rule changed (old -> new); NULL when not stale.';

CREATE TABLE appeals (
    appeal_id     BIGINT NOT NULL,
    call_id       VARCHAR NOT NULL,
    finding_id    VARCHAR,
    agent_id      VARCHAR,
    user_name     VARCHAR NOT NULL,
    reason        VARCHAR,
    created_at    TIMESTAMPTZ NOT NULL,
    decision      VARCHAR,
    decision_note VARCHAR,
    decided_by    VARCHAR,
    decided_at    TIMESTAMPTZ
);
COMMENT ON TABLE appeals IS 'Agents'' appeals (申诉) of a finding or of a call''s score, with the senior''s decision; copied from the review store at each publication.';
COMMENT ON COLUMN appeals.appeal_id IS 'Id of the appeal in the review store.';
COMMENT ON COLUMN appeals.call_id IS 'calls.call_id.';
COMMENT ON COLUMN appeals.finding_id IS 'findings.finding_id appealed; NULL: the call''s score as a whole.';
COMMENT ON COLUMN appeals.agent_id IS 'The appealing agent (calls.agent_id).';
COMMENT ON COLUMN appeals.user_name IS 'The user who filed it.';
COMMENT ON COLUMN appeals.reason IS 'The agent''s reason, masked like transcripts are.';
COMMENT ON COLUMN appeals.created_at IS 'When it was filed.';
COMMENT ON COLUMN appeals.decision IS 'upheld (the finding stands), overturned (it stops deducting) or NULL while open.';
COMMENT ON COLUMN appeals.decision_note IS 'The senior''s answer to the agent, masked.';
COMMENT ON COLUMN appeals.decided_by IS 'Who decided it.';
COMMENT ON COLUMN appeals.decided_at IS 'When it was decided.';

CREATE TABLE rechecks (
    recheck_id BIGINT NOT NULL,
    agent_id   VARCHAR NOT NULL,
    n_calls    INTEGER NOT NULL,
    user_name  VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE rechecks IS 'Re-checks (复检): an agent under coaching has their next n_calls calls after created_at queued for review; copied from the review store.';
COMMENT ON COLUMN rechecks.recheck_id IS 'Id of the re-check in the review store.';
COMMENT ON COLUMN rechecks.agent_id IS 'The coached agent.';
COMMENT ON COLUMN rechecks.n_calls IS 'How many of their calls (by started_at, after created_at) are re-checked.';
COMMENT ON COLUMN rechecks.user_name IS 'Who ordered it.';
COMMENT ON COLUMN rechecks.created_at IS 'When it was ordered.';

CREATE TABLE signoffs (
    signoff_id BIGINT NOT NULL,
    batch_id   VARCHAR NOT NULL,
    note       VARCHAR,
    user_name  VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE signoffs IS 'A lead''s sign-off of a review batch (the third review level); copied from the review store.';
COMMENT ON COLUMN signoffs.signoff_id IS 'Id of the sign-off in the review store.';
COMMENT ON COLUMN signoffs.batch_id IS 'The review batch signed off, as the workbench names it.';
COMMENT ON COLUMN signoffs.note IS 'The lead''s note, masked.';
COMMENT ON COLUMN signoffs.user_name IS 'The lead.';
COMMENT ON COLUMN signoffs.created_at IS 'When it was signed off.';

CREATE TABLE adjusted_scores (
    call_id               VARCHAR NOT NULL,
    adjusted_score        DOUBLE,
    overturned_findings   VARCHAR[],
    whole_call_overturned BOOLEAN NOT NULL,
    scorecard_version     VARCHAR
);
COMMENT ON TABLE adjusted_scores IS 'Calls with an overturned appeal: the score once the overturned findings stop deducting (all of them when the call''s score as a whole was overturned), computed at publication with the scorecard of lexicons/. Calls not listed keep their machine score.';
COMMENT ON COLUMN adjusted_scores.call_id IS 'calls.call_id.';
COMMENT ON COLUMN adjusted_scores.adjusted_score IS 'The machine score plus what the overturned findings deducted (a red line they caused no longer fails the call).';
COMMENT ON COLUMN adjusted_scores.overturned_findings IS 'findings.finding_id of the overturned findings.';
COMMENT ON COLUMN adjusted_scores.whole_call_overturned IS 'An appeal of the call''s score as a whole was overturned.';
COMMENT ON COLUMN adjusted_scores.scorecard_version IS 'Version of the scorecard that computed the adjustment.';

CREATE TABLE review_publication (
    published_at TIMESTAMPTZ NOT NULL,
    store        VARCHAR NOT NULL,
    n_verdicts   INTEGER NOT NULL,
    n_appeals    INTEGER NOT NULL,
    problem      VARCHAR
);
COMMENT ON TABLE review_publication IS 'When the review tables were last copied from the review store (one row; none before the first copy).';
COMMENT ON COLUMN review_publication.published_at IS 'When the copy was taken.';
COMMENT ON COLUMN review_publication.store IS 'The review store read (a file, or a PostgreSQL URL without its password).';
COMMENT ON COLUMN review_publication.n_verdicts IS 'Rows copied into reviews.';
COMMENT ON COLUMN review_publication.n_appeals IS 'Rows copied into appeals.';
COMMENT ON COLUMN review_publication.problem IS 'Why the copy could not be refreshed (the store was unreachable …): the tables keep the previous copy. NULL when it was.';

-- Precision of a rule: confirmed / (confirmed + rejected) over the latest, non-stale verdicts;
-- unsure verdicts are counted but do not enter it. The Wilson score interval (95 %, z = 1.96)
-- stays sensible with few verdicts, where the plain ratio swings from 0 to 1.
CREATE MACRO wilson_low(k, n) AS CASE WHEN n > 0 THEN
    ((k / n) + 1.9208 / n - 1.96 * sqrt((k / n) * (1 - k / n) / n + 0.9604 / (n * n))) / (1 + 3.8416 / n) END;
CREATE MACRO wilson_high(k, n) AS CASE WHEN n > 0 THEN
    ((k / n) + 1.9208 / n + 1.96 * sqrt((k / n) * (1 - k / n) / n + 0.9604 / (n * n))) / (1 + 3.8416 / n) END;

CREATE VIEW v_rule_precision AS
WITH counted AS (
    SELECT rule_id, category,
           count(*) FILTER (WHERE verdict = 'confirmed') AS confirmed,
           count(*) FILTER (WHERE verdict = 'rejected') AS rejected,
           count(*) FILTER (WHERE verdict = 'unsure') AS unsure,
           max(created_at) AS last_verdict_at
    FROM reviews WHERE latest AND NOT stale
    GROUP BY rule_id, category
)
SELECT rule_id, category, confirmed, rejected, unsure,
       CASE WHEN confirmed + rejected > 0 THEN confirmed / (confirmed + rejected) END AS precision,
       wilson_low(confirmed::DOUBLE, (confirmed + rejected)::DOUBLE) AS precision_low,
       wilson_high(confirmed::DOUBLE, (confirmed + rejected)::DOUBLE) AS precision_high,
       last_verdict_at
FROM counted
ORDER BY precision NULLS LAST, rule_id;
COMMENT ON VIEW v_rule_precision IS 'Per rule_id and category: confirmed, rejected and unsure latest non-stale verdicts, precision = confirmed / (confirmed + rejected) with its Wilson 95 % interval (precision_low, precision_high); least precise first.';

CREATE VIEW v_rule_precision_weekly AS
WITH counted AS (
    SELECT rule_id, category, CAST(date_trunc('week', created_at) AS DATE) AS week,
           count(*) FILTER (WHERE verdict = 'confirmed') AS confirmed,
           count(*) FILTER (WHERE verdict = 'rejected') AS rejected,
           count(*) FILTER (WHERE verdict = 'unsure') AS unsure
    FROM reviews WHERE latest AND NOT stale
    GROUP BY rule_id, category, week
)
SELECT rule_id, category, week, confirmed, rejected, unsure,
       CASE WHEN confirmed + rejected > 0 THEN confirmed / (confirmed + rejected) END AS precision,
       wilson_low(confirmed::DOUBLE, (confirmed + rejected)::DOUBLE) AS precision_low,
       wilson_high(confirmed::DOUBLE, (confirmed + rejected)::DOUBLE) AS precision_high
FROM counted
ORDER BY rule_id, category, week;
COMMENT ON VIEW v_rule_precision_weekly IS 'v_rule_precision by the week (Monday) the verdicts were given: the trend of a rule after a lexicon change.';

CREATE VIEW v_agent_adjusted_scores AS
SELECT c.call_id, c.call_date, c.agent_id, a.name AS agent_name, a.team,
       s.score AS machine_score,
       CASE WHEN adj.call_id IS NULL THEN s.score ELSE adj.adjusted_score END AS adjusted_score,
       coalesce(len(adj.overturned_findings), 0) AS n_overturned,
       coalesce(adj.whole_call_overturned, false) AS whole_call_overturned
FROM calls c
JOIN scores s USING (call_id)
LEFT JOIN agents a USING (agent_id)
LEFT JOIN adjusted_scores adj USING (call_id);
COMMENT ON VIEW v_agent_adjusted_scores IS 'Per call: the machine score and the adjusted score (overturned appeals stop deducting; equal to the machine score where nothing was overturned).';

CREATE VIEW v_agent_adjusted_daily AS
SELECT agent_id, agent_name, team, call_date, count(*) AS n_calls,
       avg(machine_score) AS avg_machine_score, avg(adjusted_score) AS avg_adjusted_score,
       count(*) FILTER (WHERE n_overturned > 0 OR whole_call_overturned) AS n_calls_adjusted
FROM v_agent_adjusted_scores
GROUP BY agent_id, agent_name, team, call_date;
COMMENT ON VIEW v_agent_adjusted_daily IS 'Per agent and day: mean machine and adjusted scores, and how many calls an overturned appeal changed.';

CREATE VIEW v_recheck_calls AS
WITH ordered AS (
    SELECT r.recheck_id, r.agent_id, r.n_calls, r.created_at AS ordered_at, c.call_id, c.started_at,
           row_number() OVER (PARTITION BY r.recheck_id ORDER BY c.started_at, c.call_id) AS seq
    FROM rechecks r JOIN calls c ON c.agent_id = r.agent_id AND c.started_at > r.created_at
    WHERE c.status = 'ok'
)
SELECT o.recheck_id, o.agent_id, o.call_id, o.seq, o.started_at, s.flagged,
       NOT coalesce(s.flagged, true) AS passed
FROM ordered o LEFT JOIN scores s USING (call_id)
WHERE o.seq <= o.n_calls;
COMMENT ON VIEW v_recheck_calls IS 'The calls each re-check takes: the agent''s next n_calls processed calls after it was ordered. passed: the call was not flagged (no red line, score at or above flag_below, no always-flag category).';

CREATE VIEW v_recheck_pass_rate AS
SELECT CASE WHEN GROUPING(rc.agent_id) = 1 THEN 'team' ELSE 'agent' END AS level,
       coalesce(a.team, 'unknown') AS team, rc.agent_id,
       count(*) AS n_rechecked, count(*) FILTER (WHERE rc.passed) AS n_passed,
       count(*) FILTER (WHERE rc.passed) / count(*) AS pass_rate
FROM v_recheck_calls rc LEFT JOIN agents a USING (agent_id)
GROUP BY GROUPING SETS ((coalesce(a.team, 'unknown'), rc.agent_id), (coalesce(a.team, 'unknown')));
COMMENT ON VIEW v_recheck_pass_rate IS 'Re-check pass rate (复检合格率): re-checked calls that passed, per agent (level = agent) and per team (level = team, agent_id NULL).';
