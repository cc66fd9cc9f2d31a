#!/usr/bin/env bash
# Trains only when the training data, config or domain changed since the last training.
set -euo pipefail
cd "$(dirname "$0")/.."
if .venv/bin/python -m bot training-status >/dev/null; then
  echo "Model is up to date; no training needed."
  exit 0
fi
mkdir -p var/log models
# Stamp what this training reads before it starts: data edited while it runs must not count as trained.
.venv/bin/python -m bot mark-trained --stamp var/train-stamp.json
echo "Training the model (full log: var/log/train.log) ..."
started=$(date +%s)
if ! .venv/bin/python -m bot train-model; then
  echo "Training failed. Last lines of var/log/train.log:" >&2
  tail -n 40 var/log/train.log >&2
  exit 1
fi
mv var/train-stamp.json models/trained-from.json
echo "Trained in $(( $(date +%s) - started )) s: models/ecfmg-guide.tar.gz"
