"""Who is agent and who is customer: stereo channel map (stereo), mono diarization (diarize, embedded), words to speakers (assign), roles (roles, mono)."""
