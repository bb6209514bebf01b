# Two commands (see README): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint setup setup-dev browser pg axe clean lock

$(VENV)/.installed: requirements.txt requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

## Set up and open the dashboard on the bundled data (builds the event store on first start).
run: setup
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.address 127.0.0.1

## Debian's chromium for the browser tests (Playwright's own download cannot work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

## Debian's PostgreSQL server binaries for the store tests (they start their own throwaway server on
## 127.0.0.1 as the unprivileged postgres user; see tests/pg_server.py). Installs nothing if present.
pg:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql; fi; }

## axe-core (MPL-2.0) for the accessibility browser test, from the npm registry into a git-ignored folder.
AXE := tests/.axe/package/axe.min.js
$(AXE):
	mkdir -p tests/.axe && cd tests/.axe && npm pack axe-core@4 --silent && tar xzf axe-core-*.tgz

axe: $(AXE)

## Lint and import order (ruff, configured in pyproject.toml).
lint: setup-dev
	$(PY) -m ruff check .

## Set up, lint, and run every test.
test: setup-dev browser pg axe lint
	$(PY) -m pytest -q

## Re-pin every runtime package with its hash after changing requirements.txt (see tools/lock.py).
lock: setup
	$(PY) tools/lock.py

clean:
	rm -rf $(VENV) data/cache data/events.db* static/vendor tests/.axe
