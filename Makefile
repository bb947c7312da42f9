# The atlas in two commands: `make site` and `make test`. Each sets itself up on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve validate test bench vendor lock clean help
.DEFAULT_GOAL := help

help:
	@echo "make site      build the atlas into site/ (sets up .venv on first use)"
	@echo "make serve     preview at http://127.0.0.1:8000 with live reload"
	@echo "make validate  check every data file"
	@echo "make test      run every test"
	@echo "make bench     measure validation and build speed against baselines"
	@echo "make vendor    re-fetch the map's libraries and Natural Earth data (needs npm)"
	@echo "make clean     remove site/, .venv/ and caches"

# A local virtual environment with the exact versions of requirements.lock.
$(READY): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# Built beside site/ and swapped in only when the build succeeds: a failed build never leaves
# a broken or empty site/ behind.
site: $(READY)
	@rm -rf .site-build
	$(BIN)/mkdocs build --strict --site-dir .site-build || { rm -rf .site-build; exit 1; }
	@rm -rf site && mv .site-build site && echo "The atlas is in site/."

# --dirty: the atlas plugin rebuilds only what an edit changes (generator/preview.py), exactly.
serve: $(READY)
	$(BIN)/mkdocs serve --strict --dirty

validate: $(READY)
	$(BIN)/atlas validate

test: $(READY)
	$(BIN)/python -m pytest

bench: $(READY)
	$(BIN)/python -m benchmarks

vendor: $(READY)
	$(BIN)/python scripts/vendor.py

# Rewrites requirements.lock from pyproject.toml's ranges in a throwaway environment.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check setuptools ".[test]"
	{ echo "# Exact versions for reproducible builds and tests (make lock rewrites this file)."; \
	  .lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -v -e '^pip==' -e '^moving-cities-atlas'; } > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf site .site-build .cache $(VENV) .bench .pytest_cache .hypothesis build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
