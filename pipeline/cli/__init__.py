"""The `callqa` command: parses arguments, shows progress, calls the library.

Modules:
    main            the parser, logging, and the exit codes of errors; `main(argv)`
    arguments       arguments several commands share (--db)
    output          the two consoles and the summary tables of runs
    run_commands    run, rescore: the archive processed in this process
    flow_commands   nightly, backfill, serve: the Prefect flows
    call_commands   transcribe, detect, diarize: one recording or transcript
    admin_commands  report, purge, models install / list

Nothing is imported here: `callqa --help` loads only the parser (the commands import the
heavy libraries when they run), and a package `__init__` importing its own modules is a cycle.
"""
