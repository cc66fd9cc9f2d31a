# ECFMG Guide. The README's two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
RASA := .venv/bin/rasa
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_WARN_20 := 1

.PHONY: install check generate load-db validate train run chat test lock bench-answers bench-eligibility

install: .venv/.synced

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

test: train
	$(PY) -m pytest

bench-answers: load-db train
	$(PY) bench/answer_quality.py

bench-eligibility: load-db train
	$(PY) bench/eligibility_check.py

lock: install
	$$(command -v uv || echo .tools/bin/uv) pip compile requirements.in -o requirements.lock --python .venv/bin/python \
		--python-platform x86_64-unknown-linux-gnu
