# kaifaqu: `make run` serves the demo zone; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KAIFAQU := $(BIN)/kaifaqu
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run DEMO=0` starts an empty zone: `kaifaqu setup` asks for its first accounts.
DEMO ?= 1

.PHONY: run test install lint typecheck typecheck-baseline format migrations-check deploy-check deploy-prepare pytest messages clean

run: install
	$(KAIFAQU) migrate --noinput
ifeq ($(DEMO),0)
	$(KAIFAQU) setup --if-empty
else
	$(KAIFAQU) load_demo
endif
	@echo "Serving http://$(HOST):$(PORT)/  (back office: http://$(HOST):$(PORT)/backoffice/)"
	DEBUG=$${DEBUG:-1} KAIFAQU_SHOW_SIGN_IN_LINKS=$${KAIFAQU_SHOW_SIGN_IN_LINKS:-1} $(KAIFAQU) runserver $(HOST):$(PORT)

test: install lint typecheck migrations-check deploy-check pytest

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kaifaqu needs Python 3.11 or newer: set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy, strict on core, orgs, stats and metrics; elsewhere the errors listed in mypy-baseline.txt
# are tolerated until fixed. A new error fails, and so does a fixed one still listed.
typecheck: install
	$(BIN)/mypy --no-color-output --no-error-summary | $(BIN)/mypy-baseline filter --no-colors --hide-stats

# After fixing errors: rewrite the baseline without them (it may only shrink; review the diff).
typecheck-baseline: install
	$(BIN)/mypy --no-color-output --no-error-summary | $(BIN)/mypy-baseline sync

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(KAIFAQU) makemigrations --check --dry-run

# The production settings: DEBUG off, a real key and host, HTTPS on (the default without DEBUG).
deploy-check: install
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') \
	KAIFAQU_AUDIT_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))') \
	ALLOWED_HOSTS=kaifaqu.example.org $(KAIFAQU) check --deploy --fail-level WARNING

# Every step a production start needs, without serving (docs/deploy.md): the deployment
# checks, the migrations, the static files and their manifest. `kaifaqu serve` runs the same.
# It installs nothing: a server installs without the development tools (docs/deploy.md).
deploy-prepare:
	$(KAIFAQU) serve --prepare-only

# On every core, a database per worker (settings_test.py, pytest-django's _gwN suffix). A test
# module stays on one worker (--dist loadfile): the demo is loaded once per module.
# PYTEST_WORKERS=0 runs in this process; PYTEST_ARGS selects, e.g. PYTEST_ARGS="-k audit".
PYTEST_WORKERS ?= auto
pytest: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=25 $(PYTEST_ARGS)

# Re-extract and compile the translations (needs GNU gettext: apt-get install gettext).
messages: install
	cd kaifaqu && ../$(KAIFAQU) makemessages --locale zh_Hans --no-obsolete --no-location \
		--ignore 'tests/*' --ignore '*/tests/*'
	cd kaifaqu && ../$(KAIFAQU) compilemessages --locale zh_Hans

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
