"""`python -m bot review`: the report staff read (terminal, CSV, HTML), the 👎 with the question asked before
them, conversations counted from Rasa's tracker store, and no sender id anywhere."""
from __future__ import annotations

import asyncio
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import cli
from bot.kb.validate import load_checked
from bot.review.collect import collect
from bot.review.export import render_csv
from bot.review.html import render_html
from bot.review.text import render_text
from bot.store.db import make_session
from bot.store.load import create_schema, replace_knowledge
from bot.store.user_data import (create_user_tables, record_eligibility_outcome, record_feedback,
                                 record_unanswered)

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)
SENDERS = ("rest-5f0c2a", "telegram-88123", "webchat-e41b", "slack-U02QX", "rest-9d1e")


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=timezone.utc)


def user(text: str, intent: str, moment: datetime) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.9}, timestamp=moment.timestamp())


@pytest.fixture
def tracker(tmp_path: Path) -> str:
    """Conversations as Rasa's SQLTrackerStore keeps them: the raw text, the sender, the time."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    conversations = {
        SENDERS[0]: [user("how much is the fee in naira", "faq", at(28)),
                     user("qwerty asdf", "nlu_fallback", at(30, 11))],
        SENDERS[1]: [user("fee for re-application, my email is a.b@gmail.com", "faq", at(29)),
                     user("How much is the fee in Naira??", "faq", at(30, 12))],
        SENDERS[2]: [user("does the fee include OET", "faq", at(30, 8))],
        SENDERS[3]: [user("j1 for my wife?", "faq", at(30, 9))],
        SENDERS[4]: [user("how long does the j1 take? mail me at k.r@example.org", "faq", at(29, 12)),
                     user('/rate_answer_unhelpful{"faq_id": "visa_b"}', "rate_answer_unhelpful", at(29, 13))],
    }
    for sender, turns in conversations.items():
        tracker = DialogueStateTracker(sender, [])
        for turn in turns:
            tracker.update(turn)
            tracker.update(ActionExecuted("action_listen", timestamp=turn.timestamp + 1))
        asyncio.run(store.save(tracker))
    return url


@pytest.fixture
def store(tmp_path: Path, knowledge_dir: Path) -> str:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    with make_session(url) as session, session.begin():
        create_schema(session)
        create_user_tables(session)
        replace_knowledge(session, load_checked(knowledge_dir, date(2026, 11, 22)), "fingerprint")
        record_unanswered(session, "how much is the fee in naira", "no_match", "rest", [("fee_a", 0.12)], at(28))
        record_unanswered(session, "fee for re-application, my email is a.b@gmail.com", "did_you_mean", "telegram",
                          [("fee_a", 0.2), ("visa_b", 0.16)], at(29))
        record_unanswered(session, "does the fee include OET", "did_you_mean", "webchat",
                          [("fee_a", 0.22), ("visa_b", 0.1)], at(30, 8))
        record_unanswered(session, "j1 for my wife?", "no_match", "slack", [("visa_b", 0.1)], at(30, 9))
        record_unanswered(session, "qwerty asdf", "no_match", "rest", [], at(30, 11))
        record_unanswered(session, "what antibiotic for a sore throat", "out_of_scope", "rest", [("visa_b", 0.01)],
                          at(29), detail="medical_advice")
        record_unanswered(session, "How much is the fee in Naira??", "no_match", "telegram", [("fee_a", 0.1)],
                          at(30, 12))
        record_feedback(session, "visa_b", False, "rest", at(29, 13))
        record_feedback(session, "visa_b", False, "telegram", at(30))
        record_feedback(session, "visa_b", True, "rest", at(30))
        record_feedback(session, "fee_a", True, "rest", at(30))
        for status in ("in_progress", "in_progress", "meets_requirements"):
            record_eligibility_outcome(session, status, [], "rest", at(30))
    return url


def review_of(store: str, knowledge_dir: Path, tracker: str):
    with make_session(store) as session:
        return collect(session, knowledge_dir, NOW, tracker_url=tracker)


def test_text_report_groups_questions_and_shows_what_to_run(store: str, knowledge_dir: Path, tracker: str) -> None:
    assert render_text(review_of(store, knowledge_dir, tracker)) == """\
ECFMG Guide review: questions the bot did not answer, and feedback on its answers
Made 2026-12-01 09:30 UTC, questions from 2026-11-28 to 2026-11-30. Accepted and dismissed items are left out.

Summary: 7 open questions (4 no match, 2 did you mean, 1 out of scope); 6 unanswered in 5 groups from 6 conversations; 2 👎 on 1 answer; 3 eligibility checks.

1. Unanswered questions, grouped by meaning, most conversations first
   Add a group to the entry that answers it, start a new entry from it, or dismiss it if no entry
   is needed. Each command is ready to paste; the phrasings added are the questions as shown.

C1  "how much is the fee in naira"
    2 conversations, 2 questions (2 no match); rest, telegram; asked 2026-11-28 to 2026-11-30
    Best entries (the model's confidence when asked): fee_a 0.11
      #1 (×2)  "how much is the fee in naira"
    Answered by fee_a: "What is fee_a?" (knowledge/faq/fees.yml:5)? python -m bot review --accept C1 --entry fee_a
    New entry: python -m bot review --accept C1 --new-entry fee_naira --topic fees
    No entry needed: python -m bot review --dismiss C1 --reason "out of scope"

C5  "qwerty asdf"
    1 conversation, 1 question (1 no match); rest; asked 2026-11-30
    No entry covers these questions (the model was not even close to one).
      #5  "qwerty asdf"
    New entry: python -m bot review --accept C5 --new-entry asdf_qwerty --topic fees
    No entry needed: python -m bot review --dismiss C5 --reason "out of scope"

C4  "j1 for my wife?"
    1 conversation, 1 question (1 no match); slack; asked 2026-11-30
    Best entries (the model's confidence when asked): visa_b 0.10
      #4  "j1 for my wife?"
    Answered by visa_b: "What is visa_b?" (knowledge/faq/visa.yml:5)? python -m bot review --accept C4 --entry visa_b
    New entry: python -m bot review --accept C4 --new-entry j1_wife --topic visa
    No entry needed: python -m bot review --dismiss C4 --reason "out of scope"

C3  "does the fee include OET"
    1 conversation, 1 question (1 did you mean); webchat; asked 2026-11-30
    Best entries (the model's confidence when asked): fee_a 0.22, visa_b 0.10
      #3  "does the fee include OET"
    Answered by fee_a: "What is fee_a?" (knowledge/faq/fees.yml:5)? python -m bot review --accept C3 --entry fee_a
    Answered by visa_b: "What is visa_b?" (knowledge/faq/visa.yml:5)? python -m bot review --accept C3 --entry visa_b
    New entry: python -m bot review --accept C3 --new-entry does_fee_include_oet --topic fees
    No entry needed: python -m bot review --dismiss C3 --reason "out of scope"

C2  "fee for re-application, my email is [email]"
    1 conversation, 1 question (1 did you mean); telegram; asked 2026-11-29
    Best entries (the model's confidence when asked): fee_a 0.20, visa_b 0.16
      #2  "fee for re-application, my email is [email]"
    Answered by fee_a: "What is fee_a?" (knowledge/faq/fees.yml:5)? python -m bot review --accept C2 --entry fee_a
    Answered by visa_b: "What is visa_b?" (knowledge/faq/visa.yml:5)? python -m bot review --accept C2 --entry visa_b
    New entry: python -m bot review --accept C2 --new-entry email_fee_re_application --topic fees
    No entry needed: python -m bot review --dismiss C2 --reason "out of scope"

2. Out of scope (the bot declined on purpose; look for questions it should answer)
   medical advice: 1 question
      #6  2026-11-29  rest      "what antibiotic for a sore throat"
      Declined rightly? python -m bot review --dismiss oos:medical_advice --reason "declined rightly"
      One it should answer? python -m bot review --accept 12 --entry ENTRY_ID (its #number)

3. Answers marked 👎, most first, with the question asked before each
   Check the answer against its sources, rewrite it and publish; then dismiss the votes.
   👎 2  👍 1  visa_b: "What is visa_b?" at knowledge/faq/visa.yml:5, owner Fees desk
      asked before a 👎: "how long does the j1 take? mail me at [email]"
      (1 👎 without the question: not in the conversation store)
      Done? python -m bot review --dismiss votes:visa_b --reason "answer rewritten"
   👎 0  👍 1  fee_a: "What is fee_a?" at knowledge/faq/fees.yml:5, owner Fees desk
      Done? python -m bot review --dismiss votes:fee_a --reason "answer rewritten"

4. Eligibility checks, by result
   in progress: 2
   meets the requirements: 1

5. Recent staff actions (each can be undone until the next publish)
   None yet.

Export: python -m bot review --csv review.csv  ·  Report with charts: python -m bot review --html review.html
"""


def test_csv_has_every_open_question_with_its_group(store: str, knowledge_dir: Path, tracker: str) -> None:
    assert render_csv(review_of(store, knowledge_dir, tracker)).splitlines() == [
        "id,asked_at_utc,channel,bot_did,out_of_scope_category,group,group_question,group_best_entry,"
        "candidates_when_asked,question",
        "1,2026-11-28 10:00:00,rest,no match,,C1,how much is the fee in naira,fee_a,fee_a (0.12),"
        "how much is the fee in naira",
        "2,2026-11-29 10:00:00,telegram,did you mean,,C2,\"fee for re-application, my email is [email]\",fee_a,"
        "fee_a (0.20); visa_b (0.16),\"fee for re-application, my email is [email]\"",
        "6,2026-11-29 10:00:00,rest,out of scope,medical_advice,,,,visa_b (0.01),what antibiotic for a sore throat",
        "3,2026-11-30 08:00:00,webchat,did you mean,,C3,does the fee include OET,fee_a,"
        "fee_a (0.22); visa_b (0.10),does the fee include OET",
        "4,2026-11-30 09:00:00,slack,no match,,C4,j1 for my wife?,visa_b,visa_b (0.10),j1 for my wife?",
        "5,2026-11-30 11:00:00,rest,no match,,C5,qwerty asdf,,,qwerty asdf",
        "7,2026-11-30 12:00:00,telegram,no match,,C1,how much is the fee in naira,fee_a,fee_a (0.10),"
        "How much is the fee in Naira??",
    ]


def test_html_report_opens_offline_with_a_weekly_chart_and_the_commands(store: str, knowledge_dir: Path,
                                                                        tracker: str) -> None:
    page = render_html(review_of(store, knowledge_dir, tracker))
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    for heading in ("Unanswered questions per week, by topic", "1. Unanswered questions, grouped by meaning",
                    "2. Out of scope", "3. Answers marked 👎", "4. Eligibility checks", "5. Recent staff actions"):
        assert f"{heading}</h2>" in page
    assert not re.search(r"(src|href)\s*=|@import|url\(|<link|<script|<img", page)  # nothing to fetch
    [chart] = re.findall(r"<svg .*?</svg>", page)
    bars = re.findall(r"<title>([^<]+), week of ([^:]+): (\d+)</title>", chart)
    assert sorted(bars) == [("Fees", "23 Nov 2026", "2"), ("Fees", "30 Nov 2026", "2"),
                            ("Not covered by any entry", "30 Nov 2026", "1"), ("Visa", "30 Nov 2026", "1")]
    assert "<code>python -m bot review --accept C1 --entry fee_a</code>" in page
    assert "<code>python -m bot review --accept C5 --new-entry asdf_qwerty --topic fees</code>" in page
    assert "<b>No entry covers these questions</b>" in page
    assert "<li>“how long does the j1 take? mail me at [email]”</li>" in page
    assert "a.b@gmail.com" not in page and "k.r@example.org" not in page
    assert not any(sender in page for sender in SENDERS)


def test_no_sender_id_reaches_any_output(store: str, knowledge_dir: Path, tracker: str) -> None:
    review = review_of(store, knowledge_dir, tracker)
    for output in (render_text(review), render_csv(review), render_html(review), repr(review)):
        assert not any(sender in output for sender in SENDERS)


def test_without_a_conversation_store_each_question_is_one_conversation(store: str, knowledge_dir: Path,
                                                                        tmp_path: Path) -> None:
    review = review_of(store, knowledge_dir, f"sqlite:///{tmp_path / 'none.db'}")
    assert [c.conversations for c in review.clusters] == [2, 1, 1, 1, 1]
    assert review.feedback[0].asked_before == ()
    assert f"Note: conversations are not counted (there is no conversation store at sqlite:///{tmp_path}/none.db): " \
           "each question counts as one." in render_text(review)
    assert not (tmp_path / "none.db").exists()  # looking did not create one


def run_cli(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    return code, capsys.readouterr().out


def test_cli_writes_csv_and_html(store: str, knowledge_dir: Path, tracker: str, tmp_path: Path, capsys) -> None:
    csv_path, html_path = tmp_path / "out" / "review.csv", tmp_path / "out" / "review.html"
    code, out = run_cli(capsys, "--knowledge", str(knowledge_dir), "review", "--database-url", store,
                        "--tracker-url", tracker, "--csv", str(csv_path), "--html", str(html_path))
    assert code == 0
    assert out.splitlines()[-2:] == [f"Wrote {csv_path}.", f"Wrote {html_path}."]
    assert csv_path.read_text(encoding="utf-8-sig").startswith("id,asked_at_utc,")
    assert "<h1>ECFMG Guide review</h1>" in html_path.read_text(encoding="utf-8")


def test_votes_are_dismissed_and_come_back_with_undo(store: str, knowledge_dir: Path, tracker: str, capsys) -> None:
    base = ("--knowledge", str(knowledge_dir), "review", "--database-url", store, "--tracker-url", tracker,
            "--by", "ravi")
    code, out = run_cli(capsys, *base, "--dismiss", "votes:visa_b", "--reason", "answer rewritten")
    assert (code, out) == (0, "Dismissed votes:visa_b: 3 vote(s) leave the review. Recorded as action 1 by ravi. "
                              "Undo: python -m bot review --undo 1\n")
    _, out = run_cli(capsys, *base)
    assert "visa_b: \"What is visa_b?\" at" not in out.split("3. Answers marked 👎")[1].split("4.")[0]
    run_cli(capsys, *base, "--undo", "1")
    _, out = run_cli(capsys, *base)
    assert "👎 2  👍 1  visa_b" in out


def test_review_without_a_store_says_what_to_run(tmp_path: Path, knowledge_dir: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    code, out = run_cli(capsys, "--knowledge", str(knowledge_dir), "review", "--database-url", url)
    assert code == 1
    assert out == (f"ERROR: The knowledge store at {url} has no tables; run `python -m bot load-db` "
                   "(or `make run`, which does it).\n")
