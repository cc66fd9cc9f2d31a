"""Runs the conversation tests (tests/conversations/test_*.yml) with `rasa test` against the trained model."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.paths import PROJECT_ROOT


def test_conversation_stories_pass(tmp_path: Path) -> None:
    rasa = str(Path(sys.executable).with_name("rasa"))
    out = tmp_path / "results"
    result = subprocess.run(
        [rasa, "test", "core", "--stories", "tests/conversations", "--model", "models",
         "--fail-on-prediction-errors", "--out", str(out), "--no-plot"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900,
    )
    failed = out / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, f"{details}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert "None of the test stories failed" in details or not details.strip() or details.startswith("#")
