"""What a run did, counted as its calls are written: printed by `callqa run`, logged and returned
by the nightly flow."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.store.retention import PurgeSummary
from pipeline.types import CallResult


@dataclass
class RunSummary:
    run_id: str
    db_path: Path
    snapshot_path: Path | None = None
    n_found: int = 0
    n_skipped: int = 0  # unchanged since last processed (incremental runs)
    n_out_of_range: int = 0  # outside a backfill's dates, or no date known
    n_ok: int = 0
    n_flagged: int = 0
    n_failed: int = 0
    n_retry_next_run: int = 0  # failed for a transient reason: not marked processed
    audio_s: float = 0.0
    wall_s: float = 0.0
    findings_by_category: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (call_id, error)
    warnings: list[str] = field(default_factory=list)
    purged: PurgeSummary | None = None
    report_dir: Path | None = None

    def add(self, result: CallResult, transient: bool = False) -> None:
        if result.status == "ok" and result.transcript is not None:
            self.n_ok += 1
            self.audio_s += result.transcript.audio.duration_s
            self.findings_by_category.update(f.category for f in result.findings)
            self.n_flagged += int(bool(result.score and result.score.flagged))
        else:
            self.n_failed += 1
            self.n_retry_next_run += int(transient)
            self.failures.append((result.recording.call_id, result.error or ""))

    @property
    def audio_hours(self) -> float:
        return self.audio_s / 3600

    @property
    def real_time_factor(self) -> float | None:
        """Processing time per second of audio (0.125 = 8x faster than real time)."""
        return self.wall_s / self.audio_s if self.audio_s else None

    def lines(self) -> list[str]:
        rtf = self.real_time_factor
        out_of_range = (
            f", {self.n_out_of_range} outside the date range" if self.n_out_of_range else ""
        )
        transient = (
            f" ({self.n_retry_next_run} transient: tried again next run)"
            if self.n_retry_next_run
            else ""
        )
        findings = ", ".join(f"{c} {n}" for c, n in sorted(self.findings_by_category.items()))
        snapshot = f", read-only snapshot {self.snapshot_path}" if self.snapshot_path else ""
        lines = [
            f"run {self.run_id}: {self.n_found} recordings found, {self.n_ok + self.n_failed} processed, "
            f"{self.n_skipped} skipped (unchanged since last processed){out_of_range}",
            f"calls ok {self.n_ok}, failed {self.n_failed}{transient}, flagged {self.n_flagged}",
            f"audio {self.audio_s / 3600:.3f} h ({self.audio_s:.1f} s), wall time {self.wall_s:.1f} s, "
            "real-time factor "
            + (f"{rtf:.3f} ({1 / rtf:.1f}x faster than real time)" if rtf else "n/a"),
            f"findings: {findings or 'none'}",
            f"database {self.db_path}{snapshot}",
        ]
        if self.report_dir:
            lines.append(f"report {self.report_dir / 'flagged_calls.html'}")
        lines += [f"failed {call_id}: {error}" for call_id, error in self.failures]
        lines += [f"warning: {warning}" for warning in self.warnings]
        return lines

    def to_dict(self) -> dict:
        """JSON-able: what the flow returns."""
        return {
            "run_id": self.run_id,
            "db": str(self.db_path),
            "snapshot": str(self.snapshot_path or ""),
            "report_dir": str(self.report_dir or ""),
            "n_found": self.n_found,
            "n_skipped": self.n_skipped,
            "n_out_of_range": self.n_out_of_range,
            "n_ok": self.n_ok,
            "n_failed": self.n_failed,
            "n_retry_next_run": self.n_retry_next_run,
            "n_flagged": self.n_flagged,
            "audio_s": round(self.audio_s, 3),
            "wall_s": round(self.wall_s, 3),
            "real_time_factor": self.real_time_factor,
            "findings_by_category": dict(self.findings_by_category),
            "failures": self.failures,
            "warnings": self.warnings,
        }
