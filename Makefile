# csp-assess: two commands on a fresh clone with only Python 3.11+:
#   make report   set up .venv and build the demo strategic assessment
#   make test     set up .venv and run every test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: report test setup lint demo-data notebooks docs clean

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
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check csp_analysis tests benchmarks tools

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
