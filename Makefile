# `make run` and `make test` do all set-up on a fresh machine: virtualenv, install, models.
# Each step is skipped when already done (stamp files), so repeated calls start at once.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
CALLQA := $(VENV)/bin/callqa
STAMP  := $(VENV)/.callqa-installed
MODEL  := models/whisper-base/callqa-model.json

export PYANNOTE_METRICS_ENABLED = false
export PREFECT_SERVER_ANALYTICS_ENABLED = false
export HF_HUB_OFFLINE = 1

.PHONY: setup models run test clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall when the dependency list changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(MODEL): | $(STAMP)
	$(CALLQA) models install

setup: $(STAMP) $(MODEL)

models: $(STAMP)
	$(CALLQA) models install

run: setup
	$(CALLQA) run data/samples

test: setup
	$(PY) -m pytest

clean:
	rm -rf out .pytest_cache
