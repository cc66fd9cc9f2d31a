# ECFMG Guide. The README's two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
RASA := .venv/bin/rasa
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_WARN_20 := 1

.PHONY: install services check generate load-db validate train run chat test lock bench-answers bench-eligibility \
	bench-lock-store purge-conversations

install: .venv/.synced

# PostgreSQL, Redis and nginx for the scale-out tests (Debian packages; never started as system services).
services:
	bash scripts/services.sh

.venv/.synced: requirements.lock scripts/install.sh
	bash scripts/install.sh

check: install
	$(PY) -m bot check

generate: check
	$(PY) -m bot generate

load-db: generate
	$(PY) -m bot load-db

validate: generate
	$(RASA) data validate --fail-on-warnings

train: generate
	bash scripts/train.sh

run: load-db train
	$(PY) -m bot serve

chat: load-db train
	$(PY) -m bot chat

test: train services
	$(PY) -m pytest

# Conversations idle for more than TRACKER_RETENTION_DAYS (default 90) leave the tracker store.
purge-conversations: install
	$(PY) -m bot purge-conversations

bench-answers: load-db train
	$(PY) bench/answer_quality.py

bench-eligibility: load-db train
	$(PY) bench/eligibility_check.py

bench-lock-store: train services
	$(PY) bench/lock_store.py

lock: install
	$$(command -v uv || echo .tools/bin/uv) pip compile requirements.in -o requirements.lock --python .venv/bin/python \
		--python-platform x86_64-unknown-linux-gnu
