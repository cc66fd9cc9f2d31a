"""`python -m bot review`: the report staff read, its CSV and HTML forms, and marking items handled."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

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


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=timezone.utc)


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
        record_feedback(session, "visa_b", False, "rest", at(29))
        record_feedback(session, "visa_b", False, "telegram", at(30))
        record_feedback(session, "visa_b", True, "rest", at(30))
        record_feedback(session, "fee_a", True, "rest", at(30))
        for status in ("in_progress", "in_progress", "meets_requirements"):
            record_eligibility_outcome(session, status, [], "rest", at(30))
    return url


def review_of(store: str, knowledge_dir: Path):
    with make_session(store) as session:
        return collect(session, knowledge_dir, NOW)


def test_text_report_groups_by_topic_and_nearest_entry(store: str, knowledge_dir: Path) -> None:
    assert render_text(review_of(store, knowledge_dir)) == """\
ECFMG Guide review: questions the bot did not answer, and feedback on its answers
Made 2026-12-01 09:30 UTC, questions from 2026-11-28 to 2026-11-30. Items marked handled are left out.

Summary: 6 open questions (3 no match, 2 did you mean, 1 out of scope); 2 👎 on 1 answer; 3 eligibility checks.

1. Unanswered questions, by topic and nearest entry
   The nearest entry is the one the bot found closest. Add the question to its 'also_asked' if it
   asks the same thing; if not, the questions may need a new entry.

Fees (3 questions)
  fee_a: "What is fee_a?" (knowledge/faq/fees.yml:5, owner Fees desk): 3 questions (1 no match, 2 did you mean)
      #3  2026-11-30  webchat   "does the fee include OET"
      #2  2026-11-29  telegram  "fee for re-application, my email is [email]"
      #1  2026-11-28  rest      "how much is the fee in naira"
      Done? python -m bot review --mark-entry fee_a

Near no entry (maybe a new entry is needed) (1 question)
  no entry came close: 1 question (1 no match)
      #5  2026-11-30  rest      "qwerty asdf"
      Done? python -m bot review --mark-entry none

Visa (1 question)
  visa_b: "What is visa_b?" (knowledge/faq/visa.yml:5, owner Fees desk): 1 question (1 no match)
      #4  2026-11-30  slack     "j1 for my wife?"
      Done? python -m bot review --mark-entry visa_b

2. Out of scope (the bot declined on purpose; look for questions it should answer)
   medical advice: 1 question
      #6  2026-11-29  rest      "what antibiotic for a sore throat"
      Done? python -m bot review --mark-out-of-scope medical_advice

3. Answers marked 👎, most first (rewrite the answer, then mark the entry handled)
   👎 2  👍 1  visa_b: "What is visa_b?" at knowledge/faq/visa.yml:5, owner Fees desk
   👎 0  👍 1  fee_a: "What is fee_a?" at knowledge/faq/fees.yml:5, owner Fees desk

4. Eligibility checks, by result
   in progress: 2
   meets the requirements: 1

Mark single questions handled with: python -m bot review --mark-handled 12 15
Export: python -m bot review --csv review.csv  ·  Report with charts: python -m bot review --html review.html
"""


def test_csv_has_every_open_question_with_its_candidates(store: str, knowledge_dir: Path) -> None:
    assert render_csv(review_of(store, knowledge_dir)).splitlines() == [
        "id,asked_at_utc,channel,bot_did,out_of_scope_category,topic,nearest_entry,nearest_entry_question,"
        "candidates,question",
        "1,2026-11-28 10:00:00,rest,no match,,Fees,fee_a,What is fee_a?,fee_a (0.12),how much is the fee in naira",
        "2,2026-11-29 10:00:00,telegram,did you mean,,Fees,fee_a,What is fee_a?,fee_a (0.20); visa_b (0.16),"
        "\"fee for re-application, my email is [email]\"",
        "6,2026-11-29 10:00:00,rest,out of scope,medical_advice,Visa,visa_b,What is visa_b?,visa_b (0.01),"
        "what antibiotic for a sore throat",
        "3,2026-11-30 08:00:00,webchat,did you mean,,Fees,fee_a,What is fee_a?,fee_a (0.22); visa_b (0.10),"
        "does the fee include OET",
        "4,2026-11-30 09:00:00,slack,no match,,Visa,visa_b,What is visa_b?,visa_b (0.10),j1 for my wife?",
        "5,2026-11-30 11:00:00,rest,no match,,,,,,qwerty asdf",
    ]


def test_html_report_is_self_contained_with_two_charts(store: str, knowledge_dir: Path) -> None:
    page = render_html(review_of(store, knowledge_dir))
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    for heading in ("1. Unanswered questions, by topic and nearest entry", "2. Out of scope",
                    "3. Answers marked 👎", "4. Eligibility checks"):
        assert f"{heading}</h2>" in page
    images = re.findall(r"<img alt='([^']+)' src='data:image/png;base64,([A-Za-z0-9+/=]+)'>", page)
    assert [alt for alt, _ in images] == ["Questions per day", "Top unanswered groups"]
    assert all(len(data) > 2000 for _, data in images)
    assert not re.search(r"(src|href)=['\"]https?:", page)  # nothing to fetch: it opens offline
    assert "fee for re-application, my email is [email]" in page and "a.b@gmail.com" not in page
    assert "<code>python -m bot review --mark-entry visa_b</code>" in page


def run_cli(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    return code, capsys.readouterr().out


def test_marked_items_drop_out_of_the_next_report(store: str, knowledge_dir: Path, capsys) -> None:
    base = ("--knowledge", str(knowledge_dir), "review", "--database-url", store)
    code, out = run_cli(capsys, *base, "--mark-handled", "1", "5", "99")
    assert (code, out) == (0, "Marked 2 question(s) handled: #1, #5.\n"
                              "Not open (already handled, or no such number): #99. The numbers are the #12 shown "
                              "in `python -m bot review`.\n"
                              "They no longer appear in `python -m bot review`.\n")
    code, out = run_cli(capsys, *base, "--mark-entry", "visa_b", "--mark-out-of-scope", "medical_advice")
    assert out == ("Marked handled for 'visa_b': 1 question(s), 3 👍/👎 vote(s).\n"
                   "Marked 1 out-of-scope question(s) in 'medical_advice' handled.\n"
                   "They no longer appear in `python -m bot review`.\n")
    code, out = run_cli(capsys, *base)
    assert code == 0
    assert "Summary: 2 open questions (2 did you mean); 0 👎 on 0 answers; 3 eligibility checks." in out
    assert "#1 " not in out and "#4 " not in out and "#5 " not in out and "#6 " not in out
    assert "#2 " in out and "#3 " in out


def test_cli_writes_csv_and_html(store: str, knowledge_dir: Path, tmp_path: Path, capsys) -> None:
    csv_path, html_path = tmp_path / "out" / "review.csv", tmp_path / "out" / "review.html"
    code, out = run_cli(capsys, "--knowledge", str(knowledge_dir), "review", "--database-url", store,
                        "--csv", str(csv_path), "--html", str(html_path))
    assert code == 0
    assert out.splitlines()[-2:] == [f"Wrote {csv_path}.", f"Wrote {html_path}."]
    assert csv_path.read_text(encoding="utf-8-sig").startswith("id,asked_at_utc,")
    assert "<h1>ECFMG Guide review</h1>" in html_path.read_text(encoding="utf-8")


def test_review_without_a_store_says_what_to_run(tmp_path: Path, knowledge_dir: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    code, out = run_cli(capsys, "--knowledge", str(knowledge_dir), "review", "--database-url", url)
    assert code == 1
    assert out == (f"ERROR: The knowledge store at {url} has no tables; run `python -m bot load-db` "
                   "(or `make run`, which does it).\n")
