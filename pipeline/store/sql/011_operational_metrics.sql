-- callqa schema, version 11: operational metrics per call (response times, handling time, hold
-- share, abnormal hang-up), the caller as a keyed hash, repeat calls and the first-contact-
-- resolution proxy. NULL for calls written before version 11 (until they are processed again).

ALTER TABLE calls ADD COLUMN first_response_s DOUBLE;
ALTER TABLE calls ADD COLUMN first_response_after_customer_s DOUBLE;
ALTER TABLE calls ADD COLUMN response_latency_median_s DOUBLE;
ALTER TABLE calls ADD COLUMN response_latency_max_s DOUBLE;
ALTER TABLE calls ADD COLUMN n_responses INTEGER;
ALTER TABLE calls ADD COLUMN handling_s DOUBLE;
ALTER TABLE calls ADD COLUMN hold_share DOUBLE;
ALTER TABLE calls ADD COLUMN last_role VARCHAR;
ALTER TABLE calls ADD COLUMN tail_s DOUBLE;
ALTER TABLE calls ADD COLUMN tail_music_s DOUBLE;
ALTER TABLE calls ADD COLUMN abnormal_hangup BOOLEAN;
ALTER TABLE calls ADD COLUMN hangup_reason VARCHAR;
ALTER TABLE calls ADD COLUMN caller_hash VARCHAR;

COMMENT ON COLUMN calls.first_response_s IS 'First response time (首次响应时间): seconds from the start of the recording to the agent''s first speech; NULL when the agent never spoke.';
COMMENT ON COLUMN calls.first_response_after_customer_s IS 'Seconds from the end of the customer''s first turn to the start of the agent''s first turn after it (0 when the agent answered while the customer still spoke); backchannels are not turns.';
COMMENT ON COLUMN calls.response_latency_median_s IS 'Median silence between a customer turn and the agent turn answering it (0 when they overlap); NULL when the agent never answered a customer turn.';
COMMENT ON COLUMN calls.response_latency_max_s IS 'Worst (longest) of those response latencies, holds included.';
COMMENT ON COLUMN calls.n_responses IS 'Agent turns answering a customer turn: how many latencies the median and worst are of.';
COMMENT ON COLUMN calls.handling_s IS 'Handling time: seconds from the start of the recording to the last words (the recorder may run on after hang-up; after-call work is not in the recording).';
COMMENT ON COLUMN calls.hold_share IS 'hold_s as a share of handling_s, 0..1.';
COMMENT ON COLUMN calls.last_role IS 'Who said the last words of the call: agent, customer or unknown.';
COMMENT ON COLUMN calls.tail_s IS 'Seconds from the last words to the end of the recording.';
COMMENT ON COLUMN calls.tail_music_s IS 'Seconds of hold music in that tail (the call ended on hold).';
COMMENT ON COLUMN calls.abnormal_hangup IS 'The call ended abnormally (挂机异常): on hold, or right after the customer spoke without the agent''s closing ([metrics] in callqa.toml); decided again by callqa rescore. A flag, not a finding: it does not change the score.';
COMMENT ON COLUMN calls.hangup_reason IS 'Why abnormal_hangup: on_hold or after_customer; NULL for a normal ending.';
COMMENT ON COLUMN calls.caller_hash IS 'The caller''s number (calls.csv or sidecar column caller) as HMAC-SHA256 under the site''s [paths] id_key, hex: equal for the same caller, never the number. NULL when the archive does not say.';

CREATE TABLE metric_settings (
    repeat_days INTEGER NOT NULL
);
COMMENT ON TABLE metric_settings IS 'The [metrics] options the views read (one row, written by each run); the views default to 7 days when empty.';
COMMENT ON COLUMN metric_settings.repeat_days IS 'A caller calling again within this many days made a repeat call ([metrics] repeat_days).';

-- Each call with a known caller and the same caller's next call, by time.
CREATE VIEW v_caller_next_call AS
WITH settings AS (
    SELECT coalesce(max(repeat_days), 7) AS repeat_days FROM metric_settings
), ordered AS (
    SELECT c.call_id, c.call_date, c.started_at, c.agent_id, c.caller_hash,
           coalesce(c.started_at, CAST(c.call_date AS TIMESTAMPTZ)) AS at,
           lead(c.call_id) OVER next_call AS next_call_id,
           lead(c.agent_id) OVER next_call AS next_agent_id,
           lead(coalesce(c.started_at, CAST(c.call_date AS TIMESTAMPTZ))) OVER next_call AS next_at
    FROM calls c
    WHERE c.caller_hash IS NOT NULL AND coalesce(c.error_kind, '') <> 'DuplicateRecording'
    WINDOW next_call AS (PARTITION BY c.caller_hash ORDER BY coalesce(c.started_at, CAST(c.call_date AS TIMESTAMPTZ)), c.call_id)
)
SELECT o.call_id, o.call_date, o.started_at, o.agent_id, a.name AS agent_name, a.team, o.caller_hash,
       o.next_call_id, o.next_agent_id, o.next_at AS next_started_at,
       round(epoch(o.next_at - o.at) / 3600.0, 2) AS hours_to_next,
       coalesce(o.next_at - o.at <= to_days(s.repeat_days), false) AS repeated
FROM ordered o
CROSS JOIN settings s
LEFT JOIN agents a USING (agent_id);
COMMENT ON VIEW v_caller_next_call IS 'Every call with a known caller (caller_hash), the same caller''s next call and the hours between; repeated when it came within [metrics] repeat_days (metric_settings).';

CREATE VIEW v_repeat_calls AS
SELECT * EXCLUDE (repeated) FROM v_caller_next_call WHERE repeated ORDER BY started_at, call_id;
COMMENT ON VIEW v_repeat_calls IS 'Repeat calls (重复来电): calls whose caller called again within [metrics] repeat_days, with that next call (next_call_id, next_agent_id, hours_to_next).';

CREATE VIEW v_first_contact_resolution AS
SELECT agent_id, agent_name, coalesce(team, 'unknown') AS team,
       count(*) AS n_calls, count(*) FILTER (WHERE repeated) AS n_repeated,
       round(1 - count(*) FILTER (WHERE repeated) / count(*), 4) AS fcr_share
FROM v_caller_next_call
GROUP BY ALL
ORDER BY fcr_share, agent_id;
COMMENT ON VIEW v_first_contact_resolution IS 'First-contact-resolution proxy (一次解决率) per agent: of the agent''s calls with a known caller, the share not followed by a repeat call within [metrics] repeat_days. Calls of the last repeat_days cannot have been repeated yet: read a period that ended at least that long ago.';

CREATE VIEW v_team_first_contact_resolution AS
SELECT coalesce(team, 'unknown') AS team, count(DISTINCT agent_id) AS n_agents,
       count(*) AS n_calls, count(*) FILTER (WHERE repeated) AS n_repeated,
       round(1 - count(*) FILTER (WHERE repeated) / count(*), 4) AS fcr_share
FROM v_caller_next_call
GROUP BY ALL
ORDER BY fcr_share, team;
COMMENT ON VIEW v_team_first_contact_resolution IS 'The first-contact-resolution proxy per team (agents.team): the share of the team''s calls with a known caller not followed by a repeat call within [metrics] repeat_days.';

CREATE VIEW v_operational_daily AS
SELECT c.agent_id, a.name AS agent_name, a.team, c.call_date,
       count(*) AS n_calls,
       round(avg(c.first_response_s), 2) AS avg_first_response_s,
       round(avg(c.first_response_after_customer_s), 2) AS avg_first_response_after_customer_s,
       round(median(c.response_latency_median_s), 2) AS median_response_latency_s,
       max(c.response_latency_max_s) AS worst_response_latency_s,
       round(avg(c.handling_s), 1) AS avg_handling_s,
       round(avg(c.hold_share), 4) AS avg_hold_share,
       count(*) FILTER (WHERE c.abnormal_hangup) AS n_abnormal_hangup,
       count(*) FILTER (WHERE c.hangup_reason = 'on_hold') AS n_hangup_on_hold,
       count(*) FILTER (WHERE c.hangup_reason = 'after_customer') AS n_hangup_after_customer
FROM calls c
LEFT JOIN agents a USING (agent_id)
WHERE c.status = 'ok'
GROUP BY ALL;
COMMENT ON VIEW v_operational_daily IS 'Per agent and day: calls, average first response times, median and worst response latency, average handling time (平均处理时长) and hold share, abnormal hang-ups by reason.';
