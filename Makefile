# locpipe: `make build` sets up .venv and builds every locale; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LOCPIPE := $(BIN)/locpipe
INSTALLED := $(VENV)/.installed
LOCALE ?=
LOCALE_ARG := $(if $(LOCALE),--locale $(LOCALE),)
FORMAT ?=

.DEFAULT_GOAL := help
.PHONY: help setup gettext build extract update check stats test clean init pseudo serve bench

help: ## list the targets
	@grep -E '^[a-zA-Z%_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

setup: $(INSTALLED) ## create .venv and install locpipe with its test tools

gettext: ## make sure GNU gettext (msgfmt, msgcat, msgmerge) is installed
	@command -v msgfmt >/dev/null && command -v msgcat >/dev/null && command -v msgmerge >/dev/null || \
	  { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      apt-get update -qq && apt-get install -y -qq gettext >/dev/null; \
	    else echo "GNU gettext is missing: install the 'gettext' package (msgfmt, msgcat, msgmerge)" >&2; exit 1; fi; }

build: $(INSTALLED) ## build every locale into build/
	$(LOCPIPE) build

build-%: $(INSTALLED) ## build one locale, e.g. make build-de
	$(LOCPIPE) build --locale $*

extract: $(INSTALLED) ## write locales/templates/*.pot from content/
	$(LOCPIPE) extract

update: $(INSTALLED) ## extract and merge into every .po (LOCALE=de for one)
	$(LOCPIPE) update $(LOCALE_ARG)

check: build ## the CI gate on the catalogues and the built pages (FORMAT=github in Actions)
	$(LOCPIPE) check --built $(LOCALE_ARG) $(if $(FORMAT),--format $(FORMAT),)

stats: $(INSTALLED) ## translation progress per locale and page
	$(LOCPIPE) stats

test: $(INSTALLED) gettext ## run the test suite
	$(BIN)/python -m pytest -q

init: $(INSTALLED) ## add a locale: make init LOCALE=fr
	@test -n "$(LOCALE)" || { echo "usage: make init LOCALE=fr" >&2; exit 2; }
	$(LOCPIPE) init $(LOCALE)

pseudo: $(INSTALLED) ## build the pseudo-locale en-XA to find strings that bypass the catalogues
	$(LOCPIPE) build --pseudo

serve: $(INSTALLED) ## live preview on http://127.0.0.1:8000/ (PORT=8001 for another)
	$(LOCPIPE) serve --port $(or $(PORT),8000)

bench: $(INSTALLED) gettext ## benchmark on a synthetic site (BENCH_PAGES=2000, BENCH_RUNS=3)
	$(BIN)/python benchmarks/bench.py --pages $(or $(BENCH_PAGES),2000) --runs $(or $(BENCH_RUNS),3) $(if $(BENCH_MEMORY_PAGES),--memory-pages $(BENCH_MEMORY_PAGES),)

clean: ## remove build/ and the build cache
	rm -rf build .cache
