"""Runs `rasa train` with its full output in a log file and a short progress line per step in the terminal.

Rasa logs "Starting to train component 'X'" for every graph node; our components add their own
steps ("LinearIntentClassifier: fitting ..."). Each line shown carries the time so far and, from
the durations of the last training (kept beside the model), about how long is left.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

STARTED = re.compile(r"Starting to train component '([^']+)'")
FINISHED = re.compile(r"Finished training component '([^']+)'")
OWN_STEP = re.compile(r"^\s*(\w+): (.+?) \.\.\.$")
Say = Callable[[str], None]


def load_durations(path: Path) -> dict[str, float]:
    try:
        return {str(k): float(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def time_left(durations: dict[str, float], done: set[str], current: str | None, running_for: float) -> str:
    if not durations:
        return "time left unknown: first training here"
    left = sum(d for name, d in durations.items() if name not in done and name != current)
    if current in durations:
        left += max(durations[current] - running_for, 0.0)
    return f"about {left:.0f} s left"


def train_with_progress(command: Sequence[str], cwd: Path, env: dict[str, str], log: Path, history: Path,
                        say: Say = lambda line: print(line, flush=True)) -> int:
    """Runs the training command; returns its exit code. history: per-component seconds of the last run."""
    previous = load_durations(history)
    durations: dict[str, float] = {}
    done: set[str] = set()
    current, current_since = None, 0.0
    started = time.monotonic()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as handle, subprocess.Popen(
            list(command), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, errors="replace") as process:
        assert process.stdout is not None
        for line in process.stdout:
            handle.write(line)
            now = time.monotonic()
            elapsed = f"[{now - started:4.0f} s]"
            if match := STARTED.search(line):
                current, current_since = match.group(1), now
                say(f"{elapsed} training {current} ({time_left(previous, done, current, 0.0)})")
            elif match := FINISHED.search(line):
                durations[match.group(1)] = now - current_since
                done.add(match.group(1))
                current = None
            elif match := OWN_STEP.match(line):
                say(f"{elapsed}   {match.group(1)}: {match.group(2)} "
                    f"({time_left(previous, done, current, now - current_since)})")
        code = process.wait()
    if code == 0:
        history.parent.mkdir(parents=True, exist_ok=True)
        history.write_text(json.dumps(durations, indent=1) + "\n", encoding="utf-8")
        say(f"[{time.monotonic() - started:4.0f} s] training finished")
    return code


def rasa_train(project: Path, out_dir: Path, model_name: str, log: Path, code_root: Path,
               say: Say = lambda line: print(line, flush=True)) -> int:
    """`rasa train` of the project folder into out_dir, progress in the terminal, full output in log."""
    rasa = str(Path(sys.executable).with_name("rasa"))
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(code_root), os.environ.get("PYTHONPATH")]))}
    command = [rasa, "train", "--fixed-model-name", model_name, "--out", str(out_dir)]
    return train_with_progress(command, project, env, log, out_dir / "train-times.json", say)
