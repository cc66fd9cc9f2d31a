"""`python -m bot check | load-db`: exit codes and what they tell staff."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot import cli
from bot.kb.fingerprint import write_stamp, knowledge_training_fingerprint
from bot.kb.validate import load_checked
from bot import paths
from datetime import date


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    return code, capsys.readouterr().out


def test_check_ok(knowledge_dir: Path, capsys) -> None:
    code, out = run(capsys, "--knowledge", str(knowledge_dir), "check")
    assert code == 0
    assert out == "OK: 2 entries in 2 topics, 1 figures, 1 glossary terms. No problems found.\n"


def test_check_lists_problems_and_exits_1(knowledge_dir: Path, capsys) -> None:
    visa = knowledge_dir / "faq" / "visa.yml"
    visa.write_text(visa.read_text().replace("related: [fee_a]", "related: [visa_b]"))
    code, out = run(capsys, "--knowledge", str(knowledge_dir), "check")
    assert code == 1
    assert out == ("knowledge/faq/visa.yml:25: entry 'visa_b' lists itself under 'related'. "
                   "Remove its own id from 'related'.\n\n"
                   "1 problem(s) found. Fix each line above, then run `python -m bot check` again.\n")


@pytest.fixture
def models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    monkeypatch.setattr(paths, "models_dir", lambda: folder)
    return folder


def test_load_db_reports_changes_and_whether_to_retrain(knowledge_dir: Path, tmp_path: Path, models_dir: Path,
                                                        capsys) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    load = ("--knowledge", str(knowledge_dir), "load-db", "--database-url", url)
    code, out = run(capsys, *load)
    assert code == 0
    assert out.splitlines() == [
        f"Loaded 2 entries in 2 topics into sqlite:///{tmp_path / 'bot.db'}.",
        "Added all 2 entries (the store was empty).",
        "There is no trained model yet: run `make train` (or `make run`, which trains when needed).",
    ]
    write_stamp(models_dir / "trained-from.json", "inputs", knowledge_training_fingerprint(load_checked(knowledge_dir, date.today())))
    visa = knowledge_dir / "faq" / "visa.yml"
    visa.write_text(visa.read_text().replace("It takes 4 to 6 weeks.", "It takes 6 to 8 weeks."))
    code, out = run(capsys, *load)
    assert out.splitlines()[1:] == [
        "Changed: visa_b.",
        "No retraining needed: the bot gives the new answers from its next reply, without a restart.",
    ]
    visa.write_text(visa.read_text().replace("processing time 3", "processing duration 3"))
    code, out = run(capsys, *load)
    assert out.splitlines()[1:] == [
        "No entry changed.",
        "Answers, sources, dates and figures are live now, but questions, phrasings, entries or the glossary "
        "changed since the model was trained: run `make train` and restart the bot so it recognises them.",
    ]


def test_load_db_refuses_broken_knowledge_and_keeps_the_store(knowledge_dir: Path, tmp_path: Path,
                                                               models_dir: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    run(capsys, "--knowledge", str(knowledge_dir), "load-db", "--database-url", url)
    (knowledge_dir / "figures.yml").write_text("figures: [\n")
    code, out = run(capsys, "--knowledge", str(knowledge_dir), "load-db", "--database-url", url)
    assert code == 1
    assert out.splitlines()[-1] == ("Nothing was changed: fix the 1 problem(s) above first "
                                    "(`python -m bot check` lists them).")
    from bot.store.db import make_session
    from bot.store.queries import ensure_store_ready
    with make_session(url) as session:
        assert ensure_store_ready(session) == 2
