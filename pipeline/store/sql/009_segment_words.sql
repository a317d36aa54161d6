-- callqa schema, version 9: word times kept with the stored segments, so `callqa rescore` from the
-- store (no transcript cache, e.g. after `callqa run`) places findings at the words' times as a
-- fresh run does, and a rescore after a lexicon change gives what a fresh run gives.

ALTER TABLE segments ADD COLUMN words STRUCT(text VARCHAR, start_s DOUBLE, end_s DOUBLE)[];
COMMENT ON COLUMN segments.words IS 'The segment''s words with their times, masked as segments.text is masked (a number read out is masked in its words too); empty when the ASR gave no word times or a word could not be placed in the text. Purged with the segment.';
