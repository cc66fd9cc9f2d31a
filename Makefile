# ECFMG Guide. The README's two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
RASA := .venv/bin/rasa
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_WARN_20 := 1

.PHONY: install web-assets chromium services check generate load-db publish review validate train run chat test \
	lock bench-answers bench-eligibility bench bench-lock-store purge-conversations

install: .venv/.synced

# PostgreSQL, Redis and nginx for the scale-out tests (Debian packages; never started as system services).
services:
	bash scripts/services.sh

.venv/.synced: requirements.lock scripts/install.sh
	bash scripts/install.sh

# The widget's front-end packages, exactly as package-lock.json pins them (served by the bot, no CDN).
web-assets: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "ERROR: npm not found; the widget needs Node.js and npm (apt-get install nodejs npm)." >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

# Debian's chromium for the browser tests (Playwright's own browser download cannot work here).
chromium:
	bash scripts/install-chromium.sh

check: install
	$(PY) -m bot check

generate: check
	$(PY) -m bot generate

load-db: generate
	$(PY) -m bot load-db

publish: install
	$(PY) -m bot publish

review: install
	$(PY) -m bot review

validate: generate
	$(RASA) data validate --fail-on-warnings

train: generate
	bash scripts/train.sh

run: load-db train web-assets
	$(PY) -m bot serve

chat: load-db train web-assets
	$(PY) -m bot chat

test: train web-assets chromium services
	$(PY) -m pytest

# Conversations idle for more than TRACKER_RETENTION_DAYS (default 90) leave the tracker store.
purge-conversations: install
	$(PY) -m bot purge-conversations

bench-answers: load-db train web-assets
	$(PY) bench/answer_quality.py

bench-eligibility: load-db train web-assets
	$(PY) bench/eligibility_check.py

# Ours next to the rasa init config on the same content; trains both builds on first use (cached).
bench: generate web-assets
	$(PY) bench/performance.py

bench-lock-store: train services
	$(PY) bench/lock_store.py

lock: install
	$$(command -v uv || echo .tools/bin/uv) pip compile requirements.in --override requirements-overrides.txt -o requirements.lock \
		--python .venv/bin/python \
		--python-platform x86_64-unknown-linux-gnu
