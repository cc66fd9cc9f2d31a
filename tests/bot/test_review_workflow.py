"""From the questions the bot missed to better answers: a seeded store of unanswered questions is grouped
as staff would group it, --accept adds a group to an entry (comments and layout kept), --new-entry starts an
entry that publish refuses until it is filled in, --dismiss and --undo work, bad input is an ERROR line."""
from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func, select

from bot import cli
from bot.kb.validate import load_checked
from bot.paths import PROJECT_ROOT
from bot.publish import Project, publish
from bot.review.collect import collect
from bot.review.conversations import link
from bot.store.db import make_session
from bot.store.load import create_schema, replace_knowledge
from bot.store.queries import answer_card
from bot.store.user_data import UnansweredQuestion, create_user_tables, open_unanswered, record_unanswered

START = datetime(2026, 11, 10, 9, 0, tzinfo=timezone.utc)
FEE = "how much is the ecfmg application fee in 2027"
# (text, bot did, channel, the model's candidates when asked, conversation), stored in this order: ids 1, 2, ...
SEEDED = [
    (FEE, "did_you_mean", "webchat", [("fee_a", 0.18), ("visa_b", 0.05)], "webchat-7f3a"),
    ("How much is the ECFMG application fee in 2027?", "did_you_mean", "telegram", [("fee_a", 0.16)], "telegram-48213"),
    ("how long do i have to wait before i can retake the oet", "no_match", "rest", [("visa_b", 0.06)], "rest-o1"),
    ("can my wife come with me on my j1 visa", "no_match", "rest", [("visa_b", 0.07)], "rest-s1"),
    (FEE, "did_you_mean", "webchat", [("fee_a", 0.17)], "webchat-7f3a"),  # the same user again
    ("How long must I wait to retake OET after failing?", "no_match", "slack", [("fee_a", 0.03)], "slack-o2"),
    ("buy cheap watches online", "no_match", "rest", [], "rest-n1"),
    ("Can my husband join me in the US on a J-1 visa? call me on +1 555 123 4567", "no_match", "telegram",
     [("visa_b", 0.05)], "telegram-s2"),
    ("oet retake waiting period", "no_match", "rest", [], "rest-o3"),
    ("what is the fee for the ecfmg application now", "did_you_mean", "rest", [("fee_a", 0.2)], "rest-u3"),
    ("which antibiotic for a sore throat", "out_of_scope", "rest", [], "rest-x1"),
    ("j2 visa for my wife while i am on j1", "no_match", "webchat", [], "webchat-s3"),
    ("Hello, I failed OET writing last month, write to me at a.b@example.com. How long do I need to wait before "
     "I retake the OET?", "no_match", "webchat", [], "webchat-o4"),
    ("asdfgh qwerty", "no_match", "rest", [], "rest-n2"),
    ("can my spouse and kids come with me on j1", "no_match", "slack", [], "slack-s4"),
    ("can i retake the oet right away or is there a waiting period", "no_match", "rest", [], "rest-o5"),
    ("Respected sir, I am a 2021 graduate from Lahore. How much is the ECFMG application fee now? Thanks in "
     "advance.", "did_you_mean", "telegram", [], "telegram-u4"),
    ("what is the weather in chicago today", "no_match", "rest", [], "rest-n3"),
]


def asked_at(number: int) -> datetime:
    return START + timedelta(hours=number)


def save_conversations(tracker_url: str, turns: list[tuple[str, str, float]]) -> None:
    """Writes the user messages through Rasa's own SQLTrackerStore, as the running bot does."""
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=tracker_url.removeprefix("sqlite:///"))
    trackers: dict[str, DialogueStateTracker] = {}
    for sender, text, at in turns:
        tracker = trackers.setdefault(sender, DialogueStateTracker(sender, []))
        tracker.update(UserUttered(text, {"name": "faq", "confidence": 0.3}, timestamp=at))
        tracker.update(ActionExecuted("action_listen", timestamp=at + 0.5))
    for tracker in trackers.values():
        asyncio.run(store.save(tracker))


@pytest.fixture
def store(tmp_path: Path, knowledge_dir: Path) -> str:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    with make_session(url) as session, session.begin():
        create_schema(session)
        create_user_tables(session)
        replace_knowledge(session, load_checked(knowledge_dir, date(2026, 11, 22)), "fingerprint")
        for number, (text, kind, channel, candidates, _) in enumerate(SEEDED, start=1):
            detail = "medical_advice" if kind == "out_of_scope" else ""
            record_unanswered(session, text, kind, channel, candidates, asked_at(number), detail)
    return url


@pytest.fixture
def tracker(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    save_conversations(url, [(sender, text, asked_at(n).timestamp() - 1.0)
                             for n, (text, _, _, _, sender) in enumerate(SEEDED, start=1)])
    return url


@pytest.fixture
def review_cli(store: str, tracker: str, knowledge_dir: Path, capsys):
    def run(*args: str) -> tuple[int, str]:
        code = cli.main(["--knowledge", str(knowledge_dir), "review", "--database-url", store,
                         "--tracker-url", tracker, "--by", "anna", *args])
        return code, capsys.readouterr().out
    return run


def test_questions_are_grouped_by_meaning_and_ranked_by_conversations(store: str, tracker: str,
                                                                       knowledge_dir: Path) -> None:
    with make_session(store) as session:
        review = collect(session, knowledge_dir, datetime.now(timezone.utc), tracker_url=tracker)
    groups = [(c.key, c.conversations, sorted(q.id for q in c.questions)) for c in review.clusters]
    assert groups == [
        ("C3", 5, [3, 6, 9, 13, 16]),  # OET retake: five people
        ("C1", 4, [1, 2, 5, 10, 17]),  # the application fee: five questions, one user asked twice
        ("C4", 4, [4, 8, 12, 15]),  # J-1 spouse
        ("C18", 1, [18]), ("C14", 1, [14]), ("C7", 1, [7]),  # noise stays apart, newest first
    ]
    fee = review.clusters[1]
    assert [(w.text, len(w.questions)) for w in fee.wordings] == [
        (FEE, 3), ("what is the fee for the ecfmg application now", 1), (SEEDED[16][0], 1)]
    assert [(c.entry.id, round(c.confidence, 2)) for c in fee.candidates] == [("fee_a", 0.14)]
    assert fee.channels == ["webchat", "telegram", "rest"] and (fee.first, fee.last) == (asked_at(1), asked_at(17))
    assert [c.candidates for c in review.clusters if c.key != "C1"] == [()] * 5  # no entry covers them
    assert [(o.category, [q.id for q in o.questions]) for o in review.out_of_scope] == [("medical_advice", [11])]
    assert review.untraced == 0 and review.conversations_note == ""


def test_two_people_typing_the_same_question_a_second_apart_are_two_conversations(
        store: str, tracker: str) -> None:
    later = asked_at(30)
    with make_session(store) as session, session.begin():
        for offset in (0, 1):
            record_unanswered(session, "ecfmg fee in euros", "no_match", "rest", [], later + timedelta(seconds=offset))
    save_conversations(tracker, [("rest-eu1", "ecfmg fee in euros", later.timestamp() - 0.5),
                                 ("rest-eu2", "ecfmg fee in euros", later.timestamp() + 0.5)])
    with make_session(store) as session:
        links = link(tracker, open_unanswered(session), [])
    assert links.conversation_of[19] != links.conversation_of[20]
    assert links.conversation_of[1] == links.conversation_of[5]  # one person asking twice is one conversation


def test_the_report_names_the_commands_and_no_sender(review_cli) -> None:
    code, out = review_cli()
    assert code == 0
    assert "Summary: 18 open questions (12 no match, 5 did you mean, 1 out of scope); 17 unanswered in 6 groups " \
           "from 16 conversations;" in out
    assert ("C3  \"how long do i have to wait before i can retake the oet\"\n"
            "    5 conversations, 5 questions (5 no match); rest, slack, webchat; asked 2026-11-10 to 2026-11-11\n"
            "    No entry covers these questions (the model was not even close to one).\n") in out, out
    assert "    New entry: python -m bot review --accept C3 --new-entry oet_retake_long --topic visa\n" in out
    assert "    Answered by fee_a: \"What is fee_a?\" (knowledge/faq/fees.yml:5)? python -m bot review --accept " \
           "C1 --entry fee_a\n" in out
    assert "      #1 (×3)  \"how much is the ecfmg application fee in 2027\"\n" in out
    assert "    No entry needed: python -m bot review --dismiss C7 --reason \"out of scope\"\n" in out
    assert "[phone]" in out and "[email]" in out and "555 123" not in out and "a.b@example.com" not in out
    assert not any(sender in out for *_, sender in SEEDED)


def topic_file(knowledge_dir: Path, name: str) -> str:
    return (knowledge_dir / "faq" / name).read_text(encoding="utf-8")


def test_accept_adds_the_group_to_the_entry_and_publish_trains_on_it(review_cli, store: str, knowledge_dir: Path,
                                                                      tmp_path: Path) -> None:
    before = topic_file(knowledge_dir, "fees.yml")
    code, out = review_cli("--accept", "C1", "--entry", "fee_a")
    assert code == 0, out
    assert out.splitlines()[:5] == [
        "Added 3 phrasing(s) from C1 to entry 'fee_a' in knowledge/faq/fees.yml, from line 20:",
        f"  + {FEE}",
        "  + what is the fee for the ecfmg application now",
        f"  + {SEEDED[16][0]}",
        "5 question(s) leave the review. Recorded as action 1 by anna. Undo: python -m bot review --undo 1",
    ]
    assert "OK: 2 entries in 2 topics" in out  # `check` ran after the change
    lines = before.splitlines()
    assert topic_file(knowledge_dir, "fees.yml").splitlines() == lines[:19] + [
        f"      - {FEE}", "      - what is the fee for the ecfmg application now", f"      - {SEEDED[16][0]}"] + lines[19:]
    code, out = review_cli()
    groups = out.split("2. Out of scope")[0]
    assert "C1 " not in groups and "12 unanswered in 5 groups" in out
    assert "#1  " in out.split("5. Recent staff actions")[1] and "added 3 phrasing(s) from C1 to 'fee_a'" in out

    project, trainer = publish_project(tmp_path, knowledge_dir, store)
    assert publish(project, date.today(), trainer, lambda _line: None) == 0
    [trained] = trainer.trained_from
    fee_examples = trained.split("- intent: faq/fee_a")[1].split("- intent:")[0]
    assert f"    - {FEE}\n" in fee_examples and "    - what is the fee for the ecfmg application now\n" in fee_examples


class RecordingTrainer:
    """Stands in for `rasa train` (minutes): records the training data it was given; the e2e test trains for real."""

    def __init__(self) -> None:
        self.trained_from: list[str] = []

    def __call__(self, staged: Path, log: Path) -> Path:
        faq = (staged / "data" / "nlu" / "generated" / "faq.yml").read_text()
        self.trained_from.append(faq)
        model = staged / "models" / "ecfmg-guide.tar.gz"
        model.parent.mkdir(parents=True, exist_ok=True)
        model.write_text(hashlib.sha256(faq.encode()).hexdigest())
        return model


def publish_project(tmp_path: Path, knowledge_dir: Path, store: str) -> tuple[Project, RecordingTrainer]:
    root = tmp_path / "project"
    root.mkdir(exist_ok=True)
    for name in ("config.yml", "domain.yml"):
        shutil.copy(PROJECT_ROOT / name, root / name)
    if not (root / "data").exists():
        shutil.copytree(PROJECT_ROOT / "data", root / "data", ignore=shutil.ignore_patterns("generated"))
    return Project(root, knowledge_dir, store, None), RecordingTrainer()


def fill_in(text: str) -> str:
    """What staff do after --new-entry: write the answer, source and date, and phrasings up to twelve."""
    more = "".join(f"      - how long between two oet attempts {n}\n" for n in range(7))
    last = "      - can i retake the oet right away or is there a waiting period\n"
    return (text.replace("    answer:  # to write:", "    answer: You can book a new OET sitting at once.  # was:")
            .replace("    sources: []  # to write:", "    sources: [https://www.ecfmg.org/fees/]  # was:")
            .replace("    checked:  # to write:", "    checked: 2026-11-20  # was:")
            .replace(last, last + more))


def test_new_entry_blocks_publish_until_it_is_filled_in(review_cli, store: str, knowledge_dir: Path,
                                                        tmp_path: Path) -> None:
    code, out = review_cli("--accept", "C3", "--new-entry", "oet_retake_wait", "--topic", "fees")
    assert code == 0, out
    assert out.splitlines()[0] == "Started entry 'oet_retake_wait' in knowledge/faq/fees.yml at line 28 with 5 " \
                                  "phrasing(s) from C3."
    fees = topic_file(knowledge_dir, "fees.yml")
    assert fees.endswith(
        "\n  - id: oet_retake_wait\n"
        "    question: how long do i have to wait before i can retake the oet  # to check: reword it as the main "
        "question users see\n"
        "    also_asked:\n"
        "      - how long do i have to wait before i can retake the oet\n"
        "      - How long must I wait to retake OET after failing?\n"
        "      - oet retake waiting period\n"
        "      - Hello, I failed OET writing last month, write to me at [email]. How long do I need to wait before "
        "I retake the OET?\n"
        "      - can i retake the oet right away or is there a waiting period\n"
        "    answer:  # to write: the answer. Started from C3 of `python -m bot review`; `check` refuses to publish "
        "until answer, sources and checked are filled\n"
        "    sources: []  # to write: the official https page(s) the answer is based on\n"
        "    checked:  # to write: the day you checked the answer against its sources, YYYY-MM-DD\n"
        "    owner: Fees desk\n"
        "    related: []\n")
    assert "knowledge/faq/fees.yml:36: entry 'oet_retake_wait' has no 'answer'." in out
    assert "knowledge/faq/fees.yml:38: entry 'oet_retake_wait' has no 'checked'." in out

    project, trainer = publish_project(tmp_path, knowledge_dir, store)
    lines: list[str] = []
    assert publish(project, date.today(), trainer, lines.append) == 1
    assert lines[-1].lstrip().startswith("Nothing was published: the bot still gives the old answers.")
    assert trainer.trained_from == []

    (knowledge_dir / "faq" / "fees.yml").write_text(fill_in(fees), encoding="utf-8")
    lines = []
    assert publish(project, date.today(), trainer, lines.append) == 0, lines
    assert "faq/oet_retake_wait" in trainer.trained_from[0]
    with make_session(store) as session:
        assert answer_card(session, "oet_retake_wait").answer == "You can book a new OET sitting at once."


COMMENTED_FEES = """\
# Fees: kept by the Fees desk. Ask Ana before changing figures.
topic: fees   # the topic id
title: Fees
start_with: fee_a
entries:
  - id: fee_a                 # the application fee
    question: What is fee_a?
    also_asked:               # keep the short ones first
{phrasings}      - "quoted: with a colon"   # staff quote what YAML would misread
      # - how much is the fee in naira   (parked: asked once)
    answer: |
      The application costs {{fee_application}}.
    sources:
      - https://www.ecfmg.org/fees/
    checked: 2026-11-01
    related: [visa_b]
    owner: Fees desk

# end of the fee entries
"""


def test_comments_and_layout_survive_byte_for_byte_and_undo_restores_the_file(review_cli,
                                                                               knowledge_dir: Path) -> None:
    phrasings = "".join(f"      - how much is the ecfmg application fee {n}\n" for n in range(12))
    original = COMMENTED_FEES.format(phrasings=phrasings)
    path = knowledge_dir / "faq" / "fees.yml"
    path.write_text(original, encoding="utf-8")
    code, out = review_cli("--accept", "C1", "#18", "--entry", "fee_a")
    assert code == 0, out
    changed = path.read_text(encoding="utf-8")
    added = [f"      - {FEE}\n", "      - what is the fee for the ecfmg application now\n",
             f"      - {SEEDED[16][0]}\n", "      - what is the weather in chicago today\n"]
    at = original.index("      # - how much is the fee in naira")
    assert changed == original[:at] + "".join(added) + original[at:]

    code, out = review_cli("--undo", "1")
    assert code == 0, out
    assert out.splitlines()[:3] == [
        "Undid action 1 (added 4 phrasing(s) from C1, #18 to 'fee_a' (knowledge/faq/fees.yml)).",
        "Removed 4 phrasing(s) from entry 'fee_a' in knowledge/faq/fees.yml.",
        "6 question(s) and 0 vote(s) are back in the review.",
    ]
    assert path.read_bytes() == original.encode("utf-8")


def test_a_phrasing_check_would_refuse_is_left_out_and_its_question_stays_open(review_cli, store: str) -> None:
    with make_session(store) as session, session.begin():  # nearly visa_b's 'how long is the j1 processing time 3'
        record_unanswered(session, "how long is my j1 processing time 3", "did_you_mean", "rest",
                          [("visa_b", 0.4)], asked_at(19))
    code, out = review_cli("--accept", "19", "C1", "--entry", "fee_a")
    assert code == 0, out
    assert out.startswith("Added 3 phrasing(s) from #19, C1 to entry 'fee_a'")
    assert "Not added: the phrasing 'how long is the j1 processing time 3' of entry 'visa_b' is nearly the same as " \
           "'how long is my j1 processing time 3' of entry 'fee_a'" in out
    assert "5 question(s) leave the review." in out
    _, out = review_cli()
    assert "#19  \"how long is my j1 processing time 3\"" in out


def test_only_redacted_text_reaches_knowledge_even_from_rows_stored_unredacted(review_cli, store: str,
                                                                                knowledge_dir: Path) -> None:
    with make_session(store) as session, session.begin():  # e.g. stored before a redaction rule existed
        session.add(UnansweredQuestion(asked_at=asked_at(19), channel="rest", kind="no_match", detail="",
                                       text="fee waiver for hardship? mail z.q@example.com or 0-123-456-7",
                                       candidates="[]"))
    code, out = review_cli("--accept", "19", "--entry", "fee_a")
    assert code == 0, out
    fees = topic_file(knowledge_dir, "fees.yml")
    assert "      - fee waiver for hardship? mail [email] or [id number]\n" in fees
    assert "z.q@example.com" not in fees + out and "0-123-456-7" not in fees + out


def test_dismiss_takes_items_off_the_report_and_undo_brings_them_back(review_cli) -> None:
    code, out = review_cli("--dismiss", "C7", "C14", "oos:medical_advice", "--reason", "spam")
    assert (code, out) == (0, "Dismissed C7, C14, oos:medical_advice: 3 question(s) leave the review. Recorded as "
                              "action 1 by anna. Undo: python -m bot review --undo 1\n")
    _, out = review_cli()
    assert "C7 " not in out and "C14 " not in out and "medical advice" not in out
    assert "dismissed C7, C14, oos:medical_advice (3 question(s)): spam  · undo: python -m bot review --undo 1" in out
    code, out = review_cli("--undo", "1")
    assert code == 0 and "3 question(s) and 0 vote(s) are back in the review." in out
    _, out = review_cli()
    assert "C7 " in out and "C14 " in out and "medical advice: 1 question" in out
    assert "undone " in out.split("5. Recent staff actions")[1]
    code, out = review_cli("--undo", "1")
    assert code == 1 and re.fullmatch(r"ERROR: Action 1 was undone already, on [\d-]+ [\d:]+ UTC by anna\. "
                                      r"Nothing was changed\.\n", out)


def test_undo_is_refused_once_the_change_is_published(review_cli, store: str, knowledge_dir: Path,
                                                      tmp_path: Path) -> None:
    review_cli("--accept", "C1", "--entry", "fee_a")
    project, trainer = publish_project(tmp_path, knowledge_dir, store)
    assert publish(project, date.today(), trainer, lambda _line: None) == 0
    code, out = review_cli("--undo", "1")
    assert code == 1
    assert out.startswith("ERROR: Action 1 (added 3 phrasing(s) from C1 to 'fee_a' (knowledge/faq/fees.yml)) is "
                          "published: the store was loaded on ")
    assert out.endswith(", after it. Change knowledge/faq/fees.yml by hand, then publish again. Nothing was "
                        "changed.\n")


@pytest.mark.parametrize("args, message", [
    (("--accept", "C1", "--entry", "fee_x"),
     "There is no entry 'fee_x' in knowledge/. Did you mean 'fee_a'? Use an id from the report's 'best entries', "
     "or the 'id:' of an entry in knowledge/faq/. Nothing was changed."),
    (("--accept", "C99", "--entry", "fee_a"),
     "There is no group C99 in the review now (groups are named after their first open question, so they change "
     "as questions are handled). Run `python -m bot review` for the current groups (C3, C1, C4, C18, C14). "
     "Nothing was changed."),
    (("--accept", "#99", "--entry", "fee_a"),
     "There is no open question #99: it was accepted or dismissed already, or the number is wrong. Use a number "
     "shown as #12 in `python -m bot review`. Nothing was changed."),
    (("--dismiss", "fee", "--reason", "spam"),
     "'fee' is not an item of the review. Write a question as 12 (the #12 in the report), a group as C12, "
     "out-of-scope questions as oos:CATEGORY and the votes on an entry as votes:ENTRY_ID. Nothing was changed."),
    (("--accept", "C3", "--new-entry", "OET wait", "--topic", "fees"),
     "'OET wait' is not a valid entry id. Use lowercase letters, digits and underscores, e.g. 'oet_wait'. "
     "Nothing was changed."),
    (("--accept", "C3", "--new-entry", "fee_a", "--topic", "fees"),
     "Entry 'fee_a' exists already (knowledge/faq/fees.yml:5). To add the questions to it use --entry fee_a; for "
     "a new entry pick another id, e.g. 'fee_a_2'. Nothing was changed."),
    (("--accept", "C3", "--new-entry", "oet_wait", "--topic", "exams"),
     "There is no topic 'exams'. Use the 'topic:' id of a file in knowledge/faq/: fees, visa. Nothing was changed."),
    (("--accept", "C3"),
     "--accept needs --entry ID (add to that entry) or --new-entry ID --topic TOPIC (start one), e.g. --accept "
     "C12 --entry fee_oet."),
    (("--dismiss", "C7"), "--dismiss needs --reason, e.g. --dismiss C12 --reason 'out of scope'."),
    (("--undo", "7"), "There is no action 7. The numbers are in the last section of `python -m bot review`. "
                      "Nothing was changed."),
])
def test_bad_input_is_one_error_line_and_changes_nothing(review_cli, knowledge_dir: Path, args: tuple[str, ...],
                                                         message: str) -> None:
    before = {p: p.read_bytes() for p in sorted(knowledge_dir.rglob("*.yml"))}
    code, out = review_cli(*args)
    assert (code, out) == (1, f"ERROR: {message}\n")
    assert {p: p.read_bytes() for p in sorted(knowledge_dir.rglob("*.yml"))} == before


def test_purge_deletes_stored_questions_older_than_the_retention(store: str, tmp_path: Path, capsys) -> None:
    days = (datetime.now(timezone.utc) - asked_at(8) - timedelta(minutes=30)).total_seconds() / 86_400  # 1-8 older
    tracker = f"sqlite:///{tmp_path / 'no-tracker.db'}"
    code = cli.main(["purge-conversations", "--older-than", f"{days:.4f}", "--tracker-url", tracker,
                     "--database-url", store])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[1].startswith("Deleted 8 stored question(s) asked more than ")
    with make_session(store) as session:
        assert session.scalar(select(func.min(UnansweredQuestion.id))) == 9
