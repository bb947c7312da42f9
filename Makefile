# The atlas in two commands: `make site` and `make test`. Each sets itself up on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve validate test bench vendor lock clean help messages translations
.DEFAULT_GOAL := help

help:
	@echo "make site      build the atlas into site/ (sets up .venv on first use)"
	@echo "make serve     preview at http://127.0.0.1:8000 with live reload (ATLAS_LANGUAGE=de: in German)"
	@echo "make messages  update the message catalogues (generator/locale) from the templates"
	@echo "make translations  how complete each language is, and which translations are outdated"
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

# Every language: the data read and checked once, one MkDocs build each, as many at a time as cores
# (generator/site/sites.py), built beside site/ and swapped in only when all of them succeed: a failed build
# never leaves a broken, empty or half-translated site/.
site: $(READY)
	@rm -rf .site-build
	$(BIN)/python -m generator.site.sites .site-build || { rm -rf .site-build; exit 1; }
	@rm -rf site && mv .site-build site && echo "The atlas is in site/ (English; /de/, /it/, /el/, /pl/, /fr/, /es/)."

# One language (English by default; make serve ATLAS_LANGUAGE=de previews German at /de/).
# --dirty: the atlas plugin rebuilds only what an edit changes (generator/site/preview.py), exactly.
ATLAS_LANGUAGE ?= en
serve: $(READY)
	$(BIN)/mkdocs serve --strict --dirty -f $(if $(filter en,$(ATLAS_LANGUAGE)),mkdocs.yml,mkdocs.$(ATLAS_LANGUAGE).yml)

# The catalogues: extract every string of ours (babel.cfg), then update each language's .po file.
# A language without one yet: pybabel init -i generator/locale/atlas.pot -d generator/locale -D atlas -l xx
messages: $(READY)
	$(BIN)/pybabel extract -F babel.cfg -k N_plural:1,2 --no-location --sort-output --omit-header \
		-o generator/locale/atlas.pot .
	$(BIN)/pybabel update -i generator/locale/atlas.pot -d generator/locale -D atlas --no-fuzzy-matching \
		--ignore-obsolete --no-wrap --ignore-pot-creation-date

translations: $(READY)
	$(BIN)/atlas translations
validate: $(READY)
	$(BIN)/atlas validate

# As many test workers as the machine has cores (pytest-xdist), each taking the next test when it is free.
test: $(READY)
	$(BIN)/python -m pytest -n auto --dist worksteal

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
	rm -rf site .site-build .site-build.parts .cache $(VENV) .bench .pytest_cache .hypothesis build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
