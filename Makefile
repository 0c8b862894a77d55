# csp-assess: two commands on a fresh clone with only Python 3.11+:
#   make report   set up .venv and build the demo strategic assessment
#   make test     set up .venv and run every test (unit, integration and e2e tiers)
#   make test-fast  the unit tier only (no papermill, nbconvert or browser): under 2 minutes
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# pytest-xdist: one worker per core, each with its own temporary cache folder; a module's tests
# stay on one worker (--dist loadscope) so its module fixtures (a report run) run once.
XDIST  ?= -n auto --dist loadscope
STAMP  := $(VENV)/.installed

.PHONY: report test test-fast setup lint demo-data notebooks docs clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "csp-assess needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	$(PY) -m ipykernel install --sys-prefix --name csp-assess --display-name "Python (csp-assess)" > /dev/null
	@touch $(STAMP)

setup: $(STAMP)

report: $(STAMP)
	$(VENV)/bin/csp-assess run

test: $(STAMP)
	$(PY) -m pytest $(XDIST)

test-fast: $(STAMP)
	$(PY) -m pytest $(XDIST) -m unit

lint: $(STAMP)
	$(VENV)/bin/ruff check csp_analysis tests benchmarks tools conftest.py
	$(VENV)/bin/ruff format --check csp_analysis tests benchmarks tools conftest.py

demo-data: $(STAMP)
	$(PY) -m tools.demo

# The .md text forms (MyST) are the reviewed source; JupyterLab keeps each pair in step on save.
notebooks: $(STAMP)
	$(VENV)/bin/jupytext --sync notebooks/*.md

# The API reference, from the docstrings (pdoc), into site/ (not committed).
docs: $(STAMP)
	$(PY) -m tools.api_docs site

clean:
	rm -rf $(VENV) outputs/*/ .pytest_cache site
