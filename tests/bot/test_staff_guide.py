"""knowledge/README.md stays true: its full example passes the check, and every message it explains exists."""
from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

from bot.kb.validate import find_problems
from bot.paths import PROJECT_ROOT

GUIDE = (PROJECT_ROOT / "knowledge" / "README.md").read_text(encoding="utf-8")


def test_the_full_example_entry_passes_the_check(tmp_path: Path) -> None:
    [example] = re.findall(r"```yaml\n(  - id: fee_oet_retake\n.*?)```", GUIDE, re.S)
    knowledge = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", knowledge)
    fees = knowledge / "faq" / "fees.yml"
    fees.write_text(fees.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + example, encoding="utf-8")
    loaded, problems = find_problems(knowledge, date.today())
    assert [str(p) for p in problems] == []
    assert loaded.entries["fee_oet_retake"].owner == "Fees desk"


def test_the_guide_documents_every_entry_field() -> None:
    from bot.kb.loader import ENTRY_FIELDS

    documented = set(re.findall(r"^\| `(\w+)` \|", GUIDE, re.M))
    assert set(ENTRY_FIELDS) <= documented
