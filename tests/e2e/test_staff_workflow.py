"""Staff workflow against the running bot: publish good and broken edits, reload a retrained model,
feedback under answers, unanswered questions kept (redacted) for review, and the review's --accept
teaching the bot the questions it missed (one real training)."""
from __future__ import annotations

import json
import os
import re
import shutil
import tarfile
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import cli
from bot.api_auth import api_url
from bot.paths import PROJECT_ROOT
from bot.publish import Project, TrainingFailed, publish, rasa_trainer
from bot.serve import RunningBot
from bot.store.db import make_session
from bot.store.user_data import AnswerFeedback, UnansweredQuestion
from tests.e2e.conftest import Conversation

pytestmark = pytest.mark.e2e

J1_FILE = "faq/j1.yml"
WAIVER_LINE = "U.S. law allows five grounds for waiving the two-year rule:"
OPEN_WAIVER = '/faq{"faq_id": "j1_waiver"}'


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def status(bot: RunningBot) -> dict:
    with urllib.request.urlopen(api_url(bot.url, "/status"), timeout=30) as reply:
        return json.loads(reply.read())


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, bot_env: dict[str, str], running_bot: RunningBot) -> Project:
    """A copy of the project's training inputs and model, publishing into the running bot's store."""
    root = tmp_path_factory.mktemp("publish-project")
    for name in ("config.yml", "domain.yml"):
        shutil.copy(PROJECT_ROOT / name, root / name)
    for name in ("data", "build/spacy"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    (root / "models").mkdir()
    os.link(PROJECT_ROOT / "models" / "ecfmg-guide.tar.gz", root / "models" / "ecfmg-guide.tar.gz")  # 150 MB
    shutil.copy(PROJECT_ROOT / "models" / "trained-from.json", root / "models" / "trained-from.json")
    return Project(root, Path(bot_env["BOT_KNOWLEDGE_DIR"]), bot_env["BOT_DATABASE_URL"], running_bot.url)


@pytest.fixture
def j1_file(project: Project) -> Iterator[Path]:
    """knowledge/faq/j1.yml of the running bot, restored (and republished) after the test."""
    path = project.knowledge / J1_FILE
    original = path.read_text(encoding="utf-8")
    yield path
    path.write_text(original, encoding="utf-8")
    assert publish(project, date.today(), retrained_copy_of_current_model, lambda _line: None) == 0


def never_train(staged: Path, log: Path) -> Path:
    raise AssertionError("this change must not need training")


def retrained_copy_of_current_model(staged: Path, log: Path) -> Path:
    """Stands in for the 10-minute `rasa train`: the current real model, with a new model_id so the
    test can see the running bot switch to it."""
    unpacked = staged / "unpacked"
    with tarfile.open(PROJECT_ROOT / "models" / "ecfmg-guide.tar.gz") as archive:
        archive.extractall(unpacked)
    metadata_file = next(unpacked.rglob("metadata.json"))
    metadata = json.loads(metadata_file.read_text())
    metadata["model_id"] = f"publish-test-{uuid.uuid4().hex[:8]}"
    metadata_file.write_text(json.dumps(metadata))
    model = staged / "models" / "ecfmg-guide.tar.gz"
    model.parent.mkdir(exist_ok=True)
    with tarfile.open(model, "w:gz", compresslevel=1) as archive:
        for item in sorted(unpacked.iterdir()):
            archive.add(item, arcname=item.name)
    return model


def failing_training(staged: Path, log: Path) -> Path:
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("InvalidConfigException: stand-in for a failed training\n")
    raise TrainingFailed("rasa train exited with code 1")


def run_publish(project: Project, trainer) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = publish(project, date.today(), trainer, lines.append)
    return code, "\n".join(lines).splitlines()


def test_a_staff_answer_edit_reaches_the_next_reply(conversation: Conversation, project: Project,
                                                    j1_file: Path) -> None:
    assert WAIVER_LINE in texts(conversation.say(OPEN_WAIVER))
    j1_file.write_text(j1_file.read_text().replace(WAIVER_LINE, "U.S. law allows five grounds (updated) for "
                                                   "waiving the two-year rule:"))
    code, out = run_publish(project, never_train)
    assert code == 0, out
    assert out[1:3] == ["Changes: Changed: j1_waiver.",
                        "Retraining: not needed (only answers, sources, dates, owners or figures changed)."]
    assert "five grounds (updated) for waiving" in texts(conversation.say(OPEN_WAIVER))


def test_a_broken_edit_does_not_reach_the_bot(conversation: Conversation, project: Project, j1_file: Path) -> None:
    text = j1_file.read_text()
    broken = text.replace(WAIVER_LINE, "Broken edit: five grounds.").replace(
        "https://j1visa.state.gov", "https://j1visa.stat.gov", 1)
    j1_file.write_text(broken)
    code, out = run_publish(project, never_train)
    assert code == 1
    assert out[-1] == ("Nothing was published: the bot still gives the old answers. Fix the 1 problem(s) above, "
                       "then run `python -m bot publish` again.")
    assert len(out) == 3 and out[1] == ""
    assert out[0].endswith("whose site 'j1visa.stat.gov' is not an official site. Did you mean "
                           "'https://j1visa.state.gov/programs/physician/'? Correct the address.")
    reply = texts(conversation.say(OPEN_WAIVER))
    assert WAIVER_LINE in reply and "Broken edit" not in reply


def test_publish_with_retraining_switches_the_running_bot_to_the_new_model(
        conversation: Conversation, project: Project, running_bot: RunningBot, j1_file: Path) -> None:
    before = status(running_bot)["model_id"]
    j1_file.write_text(j1_file.read_text().replace(
        "    also_asked:\n", "    also_asked:\n      - which j1 waivers exist for a doctor in 2027\n", 1))
    code, out = run_publish(project, retrained_copy_of_current_model)
    assert code == 0, out
    assert out[2].startswith("Retraining: needed, because questions, phrasings, entries or the glossary changed.")
    assert out[-2:] == [f"Bot: the running bot at {running_bot.url} loaded the new model; new and changed questions "
                        "are recognised from its next reply.", "Published."]
    after = status(running_bot)["model_id"]
    assert after != before and after.startswith("publish-test-")
    assert "which j1 waivers exist for a doctor in 2027" in (project.generated_dir / "faq.yml").read_text()
    assert WAIVER_LINE in texts(conversation.say(OPEN_WAIVER))  # and it still answers


def test_failed_training_leaves_the_running_model_and_answers(
        conversation: Conversation, project: Project, running_bot: RunningBot, j1_file: Path) -> None:
    before = status(running_bot)["model_id"]
    model_bytes = project.model_file.read_bytes()
    new_phrasing = "j1 waiver grounds for a nephrologist starting in 2031"
    assert new_phrasing not in (project.generated_dir / "faq.yml").read_text()
    j1_file.write_text(j1_file.read_text().replace(WAIVER_LINE, "Not yet: five grounds.").replace(
        "    also_asked:\n", f"    also_asked:\n      - {new_phrasing}\n", 1))
    code, out = run_publish(project, failing_training)
    assert code == 1
    assert out[-1].startswith("Nothing was published: the bot still gives the old answers.")
    assert status(running_bot)["model_id"] == before
    assert project.model_file.read_bytes() == model_bytes
    assert new_phrasing not in (project.generated_dir / "faq.yml").read_text()
    assert WAIVER_LINE in texts(conversation.say(OPEN_WAIVER))


def test_answers_carry_a_feedback_prompt_and_a_thumbs_down_is_stored(
        conversation: Conversation, bot_env: dict[str, str]) -> None:
    answer, prompt = conversation.say(OPEN_WAIVER)
    assert "Source:" in answer["text"]
    assert prompt["text"] == "Did this answer help?"
    assert [(b["title"], b["payload"]) for b in prompt["buttons"]] == [
        ("👍 Yes", '/rate_answer_helpful{"faq_id": "j1_waiver"}'),
        ("👎 No", '/rate_answer_unhelpful{"faq_id": "j1_waiver"}'),
    ]
    [thanks] = conversation.say(prompt["buttons"][1]["payload"])
    assert thanks["text"].startswith("Thanks for telling me. The team that looks after this answer will review it.")
    with make_session(bot_env["BOT_DATABASE_URL"]) as session:
        votes = session.scalars(select(AnswerFeedback).where(AnswerFeedback.entry_id == "j1_waiver")).all()
        assert [(v.helpful, v.channel) for v in votes][-1] == (0, "rest")


def test_unanswered_and_out_of_scope_questions_are_stored_redacted(
        conversation: Conversation, bot_env: dict[str, str]) -> None:
    conversation.say("zxqv blorp wibble, write to me at priya.k@example.com")
    conversation.say("which antibiotic should i take for my sore throat, call +1 555 123 4567")
    with make_session(bot_env["BOT_DATABASE_URL"]) as session:
        rows = session.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id)).all()[-2:]
    assert [row.text for row in rows] == ["zxqv blorp wibble, write to me at [email]",
                                          "which antibiotic should i take for my sore throat, call [phone]"]
    assert rows[0].kind in ("no_match", "did_you_mean", "out_of_scope")
    assert (rows[1].kind, rows[1].detail, rows[1].channel) == ("out_of_scope", "medical_advice", "rest")


# j1_waiver questions worded so that the trained model of this commit does not answer them
# (no match or "did you mean" when this test was written); staff accept them from the review.
MISSED_WAIVER_QUESTIONS = [
    "is there some paperwork so the home-residency thing after my exchange visitor program doesnt apply to me",
    "how do doctors get out of the going back home for 2 years thing",
    "how do doctors get excused from the two years abroad condition",
    "what is the form to be excused from the home stay obligation",
]


def review(project: Project, e2e_dir: Path, capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["--knowledge", str(project.knowledge), "review", "--database-url", project.database_url,
                     "--tracker-url", f"sqlite:///{e2e_dir / 'run' / 'tracker.db'}", "--by", "e2e", *args])
    return code, capsys.readouterr().out


def test_accepting_missed_questions_from_the_review_teaches_the_bot(
        running_bot: RunningBot, project: Project, j1_file: Path, e2e_dir: Path, capsys) -> None:
    for question in MISSED_WAIVER_QUESTIONS + MISSED_WAIVER_QUESTIONS[:1]:  # the first from two people
        assert WAIVER_LINE not in texts(Conversation(running_bot).say(question))
    code, report = review(project, e2e_dir, capsys)
    assert code == 0, report
    groups = {re.search(r"^(C\d+)  ", block, re.M).group(1): block
              for block in re.split(r"\n(?=C\d+  )", report.split("2. Out of scope")[0])[1:]}
    ours = sorted({key for key, block in groups.items() for q in MISSED_WAIVER_QUESTIONS if f'"{q}"' in block})
    assert ours, report
    first = next(block for block in groups.values() if f'"{MISSED_WAIVER_QUESTIONS[0]}"' in block)
    conversations = int(re.search(r"(\d+) conversations?, \d+ questions?", first).group(1))
    assert conversations >= 2, first  # the question two people asked counts twice, not once
    assert not re.search(r"\be2e-[0-9a-f]{10}\b", report)  # no sender id reaches the report

    code, out = review(project, e2e_dir, capsys, "--accept", *ours, "--entry", "j1_waiver")
    assert code == 0, out
    assert all(f"  + {q}" in out for q in MISSED_WAIVER_QUESTIONS), out
    code, lines = run_publish(project, rasa_trainer)  # a real `rasa train`, about 2 minutes
    assert code == 0, lines
    assert lines[-1] == "Published."
    for question in MISSED_WAIVER_QUESTIONS:
        assert WAIVER_LINE in texts(Conversation(running_bot).say(question)), question
