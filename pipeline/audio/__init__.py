"""Decode recordings to 16 kHz float32 per channel (decode), resample (a leaf), spool long calls to disk (spool); redact spans of a recording (redact) and write WAV copies (encode)."""
