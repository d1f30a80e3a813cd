# Fabrique — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(PY) -m flask --app wsgi
SYSTEM_PACKAGES := chromium libreoffice-writer-nogui nginx
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: setup system run test test-unit lint audit bench cluster db demo clean i18n

setup: $(VENV)/.installed node_modules/.installed static/dist/.built translations/.compiled

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/dist/.built: node_modules/.installed $(wildcard static/src/*.js static/src/lib/*.js)
	npm run --silent build
	touch $@

# The catalogs (translations/, French source, English complete) compiled for gettext.
translations/.compiled: $(VENV)/.installed $(wildcard translations/*/LC_MESSAGES/*.po)
	$(PY) tools/i18n.py compile
	touch $@

# After changing a user-facing string: extract it and update both catalogs, then translate it in en.
i18n: $(VENV)/.installed
	$(PY) tools/i18n.py extract

# Debian packages the browser, export and cluster tests need (root on these machines).
system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load

run: demo
	@echo "Fabrique sur http://$${HOST:-127.0.0.1}:$${PORT:-5000}/"
	$(PY) wsgi.py

lint: setup
	$(VENV)/bin/ruff check .
	$(PY) tools/i18n.py check

audit: setup
	$(VENV)/bin/pip-audit -r requirements.txt --progress-spinner off

# PostgreSQL and Redis run on every machine of this project: the suite always uses them. It runs on
# every core (at most 4): pytest-xdist workers, each with its own databases, server processes and
# browser; one test file stays on one worker (module fixtures are shared within a file).
WORKERS ?= $(shell n=$$(nproc); echo $$(( n > 4 ? 4 : n )))
test: setup system lint
	FABRIQUE_TEST_POSTGRES=1 $(PY) -m pytest -q -n $(WORKERS) --dist loadfile

# The fast part alone: services, routes and socket wiring on SQLite (about a minute).
test-unit: setup
	$(PY) -m pytest -q tests/unit

bench: setup
	$(PY) -m bench.run

cluster: setup system
	bash deploy/cluster.sh

clean:
	rm -rf $(VENV) node_modules static/dist instance translations/*/LC_MESSAGES/*.mo translations/.compiled
