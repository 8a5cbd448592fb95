# kesu — the two commands of the set-up contract are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-12)
SEEDS ?= ../shared/seeds

.PHONY: venv vendor demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

# Front-end libraries are served from our own static files (no CDN): npm fetches the versions pinned in
# package-lock.json and the minified builds are copied into the static tree.
VENDOR_DIR := src/kesu/web/static/vendor
VENDOR_STAMP := $(VENDOR_DIR)/.installed-$(shell cat package-lock.json | md5sum | cut -c1-12)

$(VENDOR_STAMP): package.json package-lock.json
	command -v npm >/dev/null 2>&1 || bash scripts/ensure-system-packages.sh
	npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p $(VENDOR_DIR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js $(VENDOR_DIR)/
	cp node_modules/echarts/LICENSE $(VENDOR_DIR)/echarts.LICENSE.txt
	cp node_modules/htmx.org/LICENSE $(VENDOR_DIR)/htmx.LICENSE.txt
	rm -f $(VENDOR_DIR)/.installed-*
	touch $(VENDOR_STAMP)

vendor: $(VENDOR_STAMP)

demo: $(STAMP) $(VENDOR_STAMP)
	$(BIN)/kesu demo --seeds $(SEEDS)

test: $(STAMP) $(VENDOR_STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

# `make bench` runs every bench/bench_*.py; `make bench BENCH="resources platform"` only those (the
# resources bench loads 150,000 bases and 1,000,000 activities; KESU_BENCH_SCALE=0.1 for a quick run).
bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/run.py $(BENCH)

clean:
	rm -rf $(VENV) out build *.egg-info
