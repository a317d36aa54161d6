"""Many calls: archive scan (archive), the incremental plan (incremental), the run session shared by `callqa run` and the nightly flow (session), rescore."""
