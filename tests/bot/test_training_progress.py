"""Training progress: component steps in the terminal with time left, everything in the log."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from bot.training_progress import time_left, train_with_progress

FAKE_RASA = """
import sys
for line in ["2026 INFO rasa.engine.training.hooks  - Starting to train component 'SafetyGate'.",
             "2026 INFO rasa.engine.training.hooks  - Finished training component 'SafetyGate'.",
             "2026 INFO rasa.engine.training.hooks  - Starting to train component 'LinearIntentClassifier'.",
             "  LinearIntentClassifier: fitting logistic regression ...",
             "some warning nobody needs to see",
             "2026 INFO rasa.engine.training.hooks  - Finished training component 'LinearIntentClassifier'."]:
    print(line, flush=True)
sys.exit(int(sys.argv[1]))
"""


def run(tmp_path: Path, code: int, history: dict[str, float] | None = None) -> tuple[int, list[str], Path]:
    script = tmp_path / "fake_rasa.py"
    script.write_text(FAKE_RASA)
    times = tmp_path / "models" / "train-times.json"
    if history is not None:
        times.parent.mkdir(parents=True, exist_ok=True)
        times.write_text(json.dumps(history))
    shown: list[str] = []
    result = train_with_progress([sys.executable, str(script), str(code)], tmp_path, dict(os.environ),
                                 tmp_path / "train.log", times, shown.append)
    return result, shown, times


def test_progress_names_components_and_own_steps_and_keeps_the_log(tmp_path: Path) -> None:
    code, shown, times = run(tmp_path, 0, {"SafetyGate": 1.0, "LinearIntentClassifier": 30.0})
    assert code == 0
    assert "training SafetyGate (about 31 s left)" in shown[0]
    assert "training LinearIntentClassifier" in shown[1]
    assert "LinearIntentClassifier: fitting logistic regression" in shown[2]
    assert shown[-1].endswith("training finished")
    assert "some warning nobody needs to see" in (tmp_path / "train.log").read_text()
    assert set(json.loads(times.read_text())) == {"SafetyGate", "LinearIntentClassifier"}


def test_first_training_says_time_left_is_unknown(tmp_path: Path) -> None:
    _, shown, _ = run(tmp_path, 0)
    assert "time left unknown" in shown[0]


def test_a_failed_training_keeps_the_previous_durations(tmp_path: Path) -> None:
    code, _, times = run(tmp_path, 3, {"SafetyGate": 2.0})
    assert code == 3
    assert json.loads(times.read_text()) == {"SafetyGate": 2.0}


def test_time_left_counts_what_is_not_done() -> None:
    durations = {"a": 10.0, "b": 20.0, "c": 5.0}
    assert time_left(durations, {"a"}, "b", 5.0) == "about 20 s left"
