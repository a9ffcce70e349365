# bosun: `make run` starts a single-node cluster; `make test` runs the whole suite.
# Both install what is missing first (system packages as root, the .venv).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?=

.PHONY: install run test lint bench clean

install: $(VENV)/.installed
	@sh tools/install-system.sh

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip >/dev/null 2>&1 || true
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

run: install
	$(BIN)/bosun server $(if $(DATA_DIR),--data-dir $(DATA_DIR),)

lint: install
	$(BIN)/ruff check bosun tests bench tools

test: install lint
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

bench: install
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk >/dev/null; } || \
		echo "bench needs wrk: apt-get install wrk" >&2
	$(BIN)/python bench/api.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
