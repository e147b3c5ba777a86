# Umsetzungsmonitor – everyday commands. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format check-migrations messages setup clean serve backup restore audit sbom

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 oder neuer wird benötigt.")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/base.txt -r requirements/dev.txt
	touch $@

# For trying the app on this machine: with the clearly labelled demo concept. A production install
# runs load_initial_data without --demo (docs/betrieb.md).
setup: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable
	$(PY) manage.py load_initial_data --demo
	$(PY) manage.py create_buero_account

# The task worker (imports run there) starts alongside the server and stops with it.
run: setup
	@echo "Umsetzungsmonitor: http://$(HOST):$(PORT)/  (Verwaltung: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py db_worker --reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The production setup on this machine (see docs/betrieb.md): DEBUG off, gunicorn, static files
# with hashed, compressed names served by WhiteNoise. Plain HTTP on loopback, so neither the HTTPS
# redirect nor Secure-only cookies; every value can be overridden from the environment.
SERVE_ENV = DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat var/secret-key)}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-false}" \
	DJANGO_SECURE_COOKIES="$${DJANGO_SECURE_COOKIES:-false}"

var/secret-key:
	mkdir -p var
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

serve: setup var/secret-key
	$(SERVE_ENV) $(PY) manage.py compilemessages --ignore '.venv/*'
	$(SERVE_ENV) $(PY) manage.py collectstatic --no-input --verbosity 0
	@echo "Umsetzungsmonitor (Produktionseinstellungen): http://$(HOST):$(PORT)/"
	$(SERVE_ENV) $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(SERVE_ENV) GUNICORN_BIND=$(HOST):$(PORT) $(VENV)/bin/gunicorn

# Backups of the configured database (SQLite file or PostgreSQL) into var/backups/.
backup: $(VENV)/.installed
	$(PY) manage.py backup_database

# make restore FILE=var/backups/…: replaces the configured database's content with the backup.
restore: $(VENV)/.installed
	@test -n "$(FILE)" || { echo "Aufruf: make restore FILE=var/backups/<Datei>"; exit 2; }
	$(PY) manage.py restore_database "$(FILE)"

# The OpenID provider (npm package oidc-provider) that the single sign-on tests start; needs Node.js.
OIDC_PROVIDER := tests/accounts/oidc_provider
$(OIDC_PROVIDER)/node_modules/.package-lock.json: $(OIDC_PROVIDER)/package-lock.json
	cd $(OIDC_PROVIDER) && npm ci --no-audit --no-fund

# The Nu Html Checker (npm package vnu-jar) of the HTML validity test; runs with Java.
# --ignore-scripts: its postinstall would fetch a Java runtime of its own.
node_modules/.package-lock.json: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

test: $(VENV)/.installed $(OIDC_PROVIDER)/node_modules/.package-lock.json node_modules/.package-lock.json
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Known vulnerabilities in the pinned dependencies (needs PyPI's JSON API) and high-severity code smells.
audit: $(VENV)/.installed
	$(VENV)/bin/pip-audit --strict --no-deps -r requirements/base.txt -r requirements/dev.txt
	$(VENV)/bin/bandit -r integration measures accounts operations -lll -q

# Software bill of materials (CycloneDX JSON) of what runs in production: the pinned requirements/base.txt.
sbom: $(VENV)/.installed
	mkdir -p var
	$(VENV)/bin/cyclonedx-py requirements requirements/base.txt --pyproject pyproject.toml --mc-type application \
		--of JSON --output-reproducible -o var/sbom.cdx.json
	$(PY) -c 'import json, re; bom = json.load(open("var/sbom.cdx.json")); \
		pinned = {l.split("==")[0].lower() for l in open("requirements/base.txt") if re.match(r"^[A-Za-z0-9]", l)}; \
		listed = {c["name"].lower() for c in bom["components"]}; \
		assert pinned == listed, sorted(pinned ^ listed); print(f"var/sbom.cdx.json: {len(listed)} Komponenten")'

check-migrations: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run

# Needs GNU gettext (msgfmt); the compiled .mo files are committed so that `make run` does not.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale en --ignore '.venv/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
