"""Runs the conversation tests (tests/conversations/test_*.yml) with `rasa test` against the trained model."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from bot.paths import PROJECT_ROOT

CONVERSATIONS = PROJECT_ROOT / "tests" / "conversations"


def story_count() -> int:
    yaml = YAML(typ="safe")
    return sum(len(yaml.load(path.read_text())["stories"]) for path in CONVERSATIONS.glob("test_*.yml"))


def test_every_conversation_story_passes(tmp_path: Path) -> None:
    rasa = str(Path(sys.executable).with_name("rasa"))
    result = subprocess.run(
        [rasa, "test", "core", "--stories", str(CONVERSATIONS), "--model", "models",
         "--fail-on-prediction-errors", "--out", str(tmp_path), "--no-plot"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    failed = tmp_path / "failed_test_stories.yml"
    assert result.returncode == 0, (failed.read_text() if failed.exists() else "") + result.stdout[-3000:]
    report = json.loads((tmp_path / "story_report.json").read_text())["conversation_accuracy"]
    assert report["total"] == story_count() >= 10
    assert report["correct"] == report["total"]
