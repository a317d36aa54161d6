-- callqa schema, version 6: how each call's roles were decided, and calls that were not fully
-- inspected. A mono call whose agent could not be named (roles.undetermined) never ran the
-- agent's and the customer's rules: it has no score (NULL, with the reason), it is flagged, and
-- the review queue takes it. NULL role columns: failed calls, and calls written before version 6.

ALTER TABLE calls ADD COLUMN roles_method VARCHAR;
ALTER TABLE calls ADD COLUMN n_speakers INTEGER;
ALTER TABLE calls ADD COLUMN agent_speaker VARCHAR;
ALTER TABLE calls ADD COLUMN roles_confidence DOUBLE;
ALTER TABLE calls ADD COLUMN role_cues VARCHAR[];

COMMENT ON COLUMN calls.roles_method IS 'How agent and customer were told apart: channels (stereo, [channels] agent_channel), cues (mono, diarized, the agent named from what the speakers said), undetermined (mono, no speaker could be named the agent: see the roles.undetermined finding), not diarized (mono with [diarization] enabled = false), no speech (mono, nothing transcribed).';
COMMENT ON COLUMN calls.n_speakers IS 'Speakers the parties were split into: channels of a stereo call, speakers the diarizer found in a mono call; NULL when not diarized.';
COMMENT ON COLUMN calls.agent_speaker IS 'The speaker label of the agent in segments.speaker (ch0, spk1 …); NULL when no speaker was named the agent.';
COMMENT ON COLUMN calls.roles_confidence IS 'Mono calls: confidence 0..1 that the agent (or, when undetermined, the likeliest agent) is the agent; below [diarization] role_min_confidence the roles stay unknown; 0 when no speaker said a cue. NULL when not inferred (channels, not diarized, no speech).';
COMMENT ON COLUMN calls.role_cues IS 'Names of the cues heard from the agent (or the likeliest agent), e.g. opening, closing, staff_number, at_your_service, customer_question (pipeline/parties/roles.py); names only, never the words.';

ALTER TABLE scores ALTER COLUMN score DROP NOT NULL;
ALTER TABLE scores ADD COLUMN unscored_reason VARCHAR;
COMMENT ON COLUMN scores.score IS '100 minus the capped item deductions; 0 when a red-line item matched; NULL when the call was not fully inspected (unscored_reason) and no red line failed it, so that averages leave it out.';
COMMENT ON COLUMN scores.unscored_reason IS 'Why score is NULL, e.g. roles undetermined: the agent''s and the customer''s rules did not run. NULL for scored calls.';
COMMENT ON COLUMN scores.flagged IS 'On the QA lead''s list: red line failed, score under flag_below, an always_flag category found, or not fully inspected (score NULL).';

CREATE OR REPLACE VIEW v_flagged_calls AS
SELECT c.call_id, c.call_date, c.started_at, c.agent_id, a.name AS agent_name, a.team,
       s.score, s.red_line_failed, c.n_findings, c.duration_s, c.audio_path, c.run_id,
       s.unscored_reason, c.roles_method
FROM calls c
JOIN scores s USING (call_id)
LEFT JOIN agents a USING (agent_id)
WHERE s.flagged
ORDER BY s.red_line_failed DESC, s.score ASC NULLS FIRST, c.started_at;
COMMENT ON VIEW v_flagged_calls IS 'The QA lead''s list: red-line failures first, then calls not fully inspected (score NULL: nothing says they are better than the worst), then lowest score first.';

CREATE OR REPLACE VIEW v_agent_daily AS
SELECT c.agent_id, a.name AS agent_name, a.team, c.call_date,
       count(*) AS n_calls, round(avg(s.score), 2) AS avg_score, min(s.score) AS min_score,
       count(*) FILTER (WHERE s.flagged) AS n_flagged,
       count(*) FILTER (WHERE s.red_line_failed) AS n_red_line,
       sum(c.n_findings) AS n_findings,
       count(*) FILTER (WHERE s.score IS NULL) AS n_unscored
FROM calls c
JOIN scores s USING (call_id)
LEFT JOIN agents a USING (agent_id)
GROUP BY ALL;
COMMENT ON VIEW v_agent_daily IS 'Per agent and day: calls, average and lowest score (over scored calls), flagged and red-line calls, findings, calls left unscored (not fully inspected).';

CREATE OR REPLACE VIEW v_team_daily AS
SELECT coalesce(a.team, 'unknown') AS team, c.call_date,
       count(DISTINCT c.agent_id) AS n_agents, count(*) AS n_calls, round(avg(s.score), 2) AS avg_score,
       count(*) FILTER (WHERE s.flagged) AS n_flagged, sum(c.n_findings) AS n_findings,
       count(*) FILTER (WHERE s.score IS NULL) AS n_unscored
FROM calls c
JOIN scores s USING (call_id)
LEFT JOIN agents a USING (agent_id)
GROUP BY ALL;
COMMENT ON VIEW v_team_daily IS 'Per team and day: agents, calls, average score (over scored calls), flagged calls, findings, unscored calls (the trend lines).';

-- The review queue of the sampling policy: every red-line call, every call whose roles could not
-- be decided (its agent rules never ran: only a person can inspect it), every call of an agent
-- hired within new_hire_days of the call, and sample_percent % of the others (by sample_bucket).
CREATE OR REPLACE MACRO review_queue(date_from, date_to, new_hire_days, sample_percent) AS TABLE
WITH undetermined AS (
    SELECT DISTINCT call_id FROM findings WHERE category = 'roles.undetermined'
)
SELECT c.call_id, c.call_date, c.agent_id, a.name AS agent_name, a.team, s.score, s.red_line_failed,
       CASE WHEN s.red_line_failed THEN 'red_line'
            WHEN u.call_id IS NOT NULL THEN 'roles_undetermined'
            WHEN a.hire_date IS NOT NULL AND c.call_date - a.hire_date < new_hire_days THEN 'new_hire'
            ELSE 'random_sample' END AS reason,
       c.audio_path
FROM calls c
JOIN scores s USING (call_id)
LEFT JOIN agents a USING (agent_id)
LEFT JOIN undetermined u USING (call_id)
WHERE c.call_date BETWEEN date_from AND date_to
  AND (s.red_line_failed
       OR u.call_id IS NOT NULL
       OR (a.hire_date IS NOT NULL AND c.call_date - a.hire_date < new_hire_days)
       OR c.sample_bucket < sample_percent)
ORDER BY s.red_line_failed DESC, u.call_id IS NULL, reason, s.score ASC NULLS FIRST, c.call_id;
