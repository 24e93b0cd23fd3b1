# Two commands: `make plan` (the default week) and `make test` (the suite).
# Both set up a local virtual environment first; nothing else is needed but
# Python 3.11+, pip and (for the browser test) Debian's apt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SCENARIO ?= scenarios/nordjylland.yaml
OUT    ?= out/nordjylland
JOBS   ?= 2

.PHONY: plan test setup chromium postgresql bench clean lock

setup: $(STAMP)

# Dependencies come from requirements.lock (exact versions with hashes, Python 3.11), so a new
# machine installs what was tested; the package itself is installed editable on top, without
# dependencies. Refresh the lock after changing pyproject.toml: `make lock`.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -c "from mobilstation.optimize.labelling import compile_now; compile_now()"
	touch $(STAMP)

lock:
	$(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet pip-tools
	.lock-venv/bin/pip-compile --quiet --generate-hashes --extra test --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	rm -rf .lock-venv

plan: $(STAMP)
	$(BIN)/mobilstation plan $(SCENARIO) --out $(OUT)

# The browser test needs Chromium; install Debian's when it is missing. No browser, no
# green suite: the target fails rather than let the browser tests go unrun.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
	      || { echo "error: could not install chromium (apt-get install chromium); the browser tests need it" >&2; exit 1; }; \
	    else echo "error: chromium not found and cannot be installed here (needs root and apt-get); install it, then run make test again" >&2; exit 1; fi; }

# The ledger tests start a real PostgreSQL server from Debian's package.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	    else echo "error: PostgreSQL is not installed (apt-get install postgresql)"; exit 1; fi; }

test: $(STAMP) chromium postgresql
	$(BIN)/python -m pytest -n $(JOBS) --nbmake tests notebooks

bench: $(STAMP)
	$(BIN)/python benchmarks/top.py ../shared/bench/top ../shared/bench/toptw --bks ../shared/bench/BKS.csv --time-limit 10 --json bench-out/top.json

clean:
	rm -rf $(VENV) out .pytest_cache
