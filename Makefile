# The two commands a newcomer needs: `make app` and `make test`.
# Both create .venv when it is missing and install the project into it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: app test lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

app: $(STAMP)
	$(PY) -m streamlit run app.py --server.address localhost --server.port 8501 \
		--server.headless true --browser.gatherUsageStats false

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy simulator ui app.py

bench: $(STAMP)
	$(PY) -m simulator bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
