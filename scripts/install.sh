#!/usr/bin/env bash
# Creates .venv with Python 3.10 through uv and installs the locked dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9

is_python310() {
  [[ -n "$1" && -x "$1" ]] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null
}

# Prints the first working Python 3.10: $PYTHON310, PATH, pyenv, then common locations.
# Each is run once to be sure: pyenv's shim is on PATH but fails unless 3.10 is the active version.
find_python310() {
  local candidate version
  local candidates=("${PYTHON310:-}" "$(command -v python3.10 || true)")
  if command -v pyenv >/dev/null; then
    for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -rV); do
      candidates+=("$(pyenv root)/versions/$version/bin/python3.10")
    done
  fi
  candidates+=("$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10)
  for candidate in "${candidates[@]}"; do
    if is_python310 "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

find_uv() {
  if command -v uv >/dev/null; then command -v uv; return; fi
  if [[ ! -x .tools/bin/uv ]]; then
    echo "Installing uv $UV_VERSION into .tools/ ..." >&2
    python3 -m venv .tools >&2
    .tools/bin/pip install --quiet "uv==$UV_VERSION" >&2
  fi
  echo .tools/bin/uv
}

UV=$(find_uv)
PY310=$(find_python310 || true)
if [[ -z "$PY310" ]]; then
  echo "No Python 3.10 found on this machine; asking uv to download one." >&2
  "$UV" python install 3.10 || {
    echo "ERROR: Rasa 3.6 needs Python 3.10. Install it (e.g. 'pyenv install 3.10' or 'apt-get install python3.10')" \
         "or set PYTHON310=/path/to/python3.10, then run this again." >&2
    exit 1
  }
  PY310=$("$UV" python find 3.10)
fi

if [[ ! -x .venv/bin/python ]] || ! .venv/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
  echo "Creating .venv with $PY310"
  rm -rf .venv
  "$UV" venv --quiet .venv --python "$PY310"
fi
echo "Installing the locked dependencies (requirements.lock) ..."
# Bytecode now: this machine sets PYTHONDONTWRITEBYTECODE, so without it every process (rasa run,
# the action server, each test) recompiles TensorFlow and Rasa from source on start.
"$UV" pip sync --quiet --compile-bytecode requirements.lock --python .venv/bin/python
touch .venv/.synced
