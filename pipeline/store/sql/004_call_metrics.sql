-- callqa schema, version 4: the acoustic stage's call metrics, one column each on calls.
-- NULL for failed calls and for calls written before version 4.

ALTER TABLE calls ADD COLUMN agent_talk_s DOUBLE;
ALTER TABLE calls ADD COLUMN customer_talk_s DOUBLE;
ALTER TABLE calls ADD COLUMN unknown_talk_s DOUBLE;
ALTER TABLE calls ADD COLUMN non_talk_s DOUBLE;
ALTER TABLE calls ADD COLUMN non_talk_share DOUBLE;
ALTER TABLE calls ADD COLUMN max_gap_s DOUBLE;
ALTER TABLE calls ADD COLUMN gaps_over_5s INTEGER;
ALTER TABLE calls ADD COLUMN gaps_over_10s INTEGER;
ALTER TABLE calls ADD COLUMN overlap_s DOUBLE;
ALTER TABLE calls ADD COLUMN agent_customer_talk_ratio DOUBLE;
ALTER TABLE calls ADD COLUMN hold_s DOUBLE;
ALTER TABLE calls ADD COLUMN music_s DOUBLE;
ALTER TABLE calls ADD COLUMN agent_chars_per_min DOUBLE;
ALTER TABLE calls ADD COLUMN agent_syllables_per_min DOUBLE;

COMMENT ON COLUMN calls.agent_talk_s IS 'Seconds the agent spoke (speech activity from the signal).';
COMMENT ON COLUMN calls.customer_talk_s IS 'Seconds the customer spoke.';
COMMENT ON COLUMN calls.unknown_talk_s IS 'Seconds of speech not attributed to a party (mono calls without speaker turns).';
COMMENT ON COLUMN calls.non_talk_s IS 'Seconds in which nobody spoke (silence, hold, music).';
COMMENT ON COLUMN calls.non_talk_share IS 'non_talk_s as a share of the call duration, 0..1.';
COMMENT ON COLUMN calls.max_gap_s IS 'Longest stretch without speech before or between turns (the silence after the last words is not a gap).';
COMMENT ON COLUMN calls.gaps_over_5s IS 'Gaps longer than 5 s (fixed, comparable across sites whatever dead_air_s is).';
COMMENT ON COLUMN calls.gaps_over_10s IS 'Gaps longer than 10 s.';
COMMENT ON COLUMN calls.overlap_s IS 'Seconds in which both parties spoke at once.';
COMMENT ON COLUMN calls.agent_customer_talk_ratio IS 'agent_talk_s / customer_talk_s; NULL when the customer never spoke.';
COMMENT ON COLUMN calls.hold_s IS 'Seconds of hold: gaps over [acoustics] hold_s or filled with music.';
COMMENT ON COLUMN calls.music_s IS 'Seconds of music-like non-speech (hold music).';
COMMENT ON COLUMN calls.agent_chars_per_min IS 'Agent speech rate: transcript characters per minute of voiced time over rate-eligible turns (no backchannels).';
COMMENT ON COLUMN calls.agent_syllables_per_min IS 'Agent speech rate estimated from the signal (syllable nuclei per minute of voiced time; Mandarin: one per character).';
