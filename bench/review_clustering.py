"""How well `python -m bot review` groups unanswered questions, and how long it takes.

A seeded store of 500 questions in 20 true groups: 20 entries of knowledge/, two per topic so that
neighbours (two fee questions, two J-1 questions) must be told apart, their phrasings asked the way
traffic asks them. Each group has a handful of wordings, popular ones asked again and again, some
with typos, text-speak, lost capitals or punctuation, some inside a greeting and a biography. The
entries play missing topics: the review never sees their place in knowledge/. The store gets
a conversation store beside it (most questions from their own conversation, some users asking twice).

Prints purity (the share of questions whose group is mostly their own true group), inverse purity
(how whole each true group stays: 1.0 when none is split), the number of groups, and the seconds
the whole `python -m bot review --html` command takes, start-up included.

    .venv/bin/python bench/review_clustering.py [--seeds 1 2 3] [--wordings 10]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.kb.loader import load_knowledge  # noqa: E402  (after the path is set)
from bot.kb.model import Entry  # noqa: E402
from bot.kb.validate import find_problems  # noqa: E402
from bot.paths import PROJECT_ROOT  # noqa: E402
from bot.review.collect import collect  # noqa: E402
from bot.review.conversations import events  # noqa: E402
from bot.store.db import engine_for, make_session  # noqa: E402
from bot.store.load import create_schema, replace_knowledge  # noqa: E402
from bot.store.user_data import create_user_tables, record_unanswered  # noqa: E402

GROUPS, PER_GROUP = 20, 25
TARGET_PURITY, TARGET_SECONDS = 0.9, 10.0
GREETINGS = ["Hello sir,", "Respected team,", "hi,", "Dear ECFMG Guide,", "Good evening.", "Assalam o alaikum,", ""]
BIOGRAPHIES = ["I am a 2019 graduate from Lahore, Pakistan.", "Final year student in Egypt here.",
               "I passed Step 1 in 2022 and CK last month.", "I graduated in Nigeria in 2021 and work as a house officer.",
               "I am from India, MBBS 2020, planning for the 2027 Match.", "Doctor from Brazil, moved to Portugal last year.",
               "My OET is done but I am still waiting on my Pathway.", "I am an IMG from the Philippines with two kids.",
               "Graduated 2016 from a Caribbean school, US citizen.", "I failed CK once and I am worried."]
SIGN_OFFS = ["Thanks in advance.", "Please help.", "Regards.", "God bless.", ""]
TEXT_SPEAK = {"you": "u", "please": "pls", "are": "r", "what": "wat", "for": "4", "to": "2", "because": "bcz"}
START = datetime(2026, 9, 1, 8, 0, tzinfo=timezone.utc)


def chosen_entries(entries: list[Entry], rng: random.Random) -> list[Entry]:
    by_topic: dict[str, list[Entry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.id):
        by_topic[entry.topic].append(entry)
    picked = [e for topic in sorted(by_topic) for e in rng.sample(by_topic[topic], min(2, len(by_topic[topic])))]
    return picked[:GROUPS]


def typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if long:
        i = rng.choice(long)
        j = rng.randrange(1, len(words[i]) - 2)
        words[i] = words[i][:j] + words[i][j + 1] + words[i][j] + words[i][j + 2:]
    return " ".join(words)


def as_asked(text: str, rng: random.Random) -> str:
    if rng.random() < 0.25:
        text = typo(text, rng)
    if rng.random() < 0.25:
        text = re.sub(r"[^\w\s']", "", text.lower())
    if rng.random() < 0.15:
        text = " ".join(TEXT_SPEAK.get(w, w) for w in text.split())
    if rng.random() < 0.2:
        text = " ".join(filter(None, [rng.choice(GREETINGS), rng.choice(BIOGRAPHIES), text, rng.choice(SIGN_OFFS)]))
    return text


def seeded_questions(entries: list[Entry], seed: int, wordings: int) -> list[tuple[str, str]]:
    """(text, true group) for GROUPS x PER_GROUP questions, in the order they were asked."""
    rng = random.Random(seed)
    questions = []
    for entry in chosen_entries(entries, rng):
        phrasings = [entry.question, *entry.also_asked]
        base = rng.sample(phrasings, min(wordings, len(phrasings)))
        popularity = [1 / (rank + 1) for rank in range(len(base))]
        questions += [(as_asked(rng.choices(base, popularity)[0], rng), entry.id) for _ in range(PER_GROUP)]
    rng.shuffle(questions)
    return questions


def seed_stores(folder: Path, questions: list[tuple[str, str]], seed: int) -> tuple[str, str]:
    url, tracker_url = f"sqlite:///{folder / 'bot.db'}", f"sqlite:///{folder / 'tracker.db'}"
    knowledge, _ = find_problems(PROJECT_ROOT / "knowledge", date.today())
    rng = random.Random(seed)
    with make_session(url) as session, session.begin():
        create_schema(session)
        create_user_tables(session)
        replace_knowledge(session, knowledge, "bench")
        for number, (text, truth) in enumerate(questions):
            candidates = [(truth, 0.12)] if rng.random() < 0.5 else []
            record_unanswered(session, text, "no_match", rng.choice(["rest", "webchat", "telegram", "slack"]),
                              candidates, START + timedelta(minutes=150 * number))
    events.metadata.create_all(engine_for(tracker_url))
    rows = [{"sender_id": f"bench-{number if rng.random() < 0.8 else number % 40}", "type_name": "user",
             "timestamp": (START + timedelta(minutes=150 * number, seconds=-1)).timestamp(), "intent_name": "faq",
             "data": json.dumps({"event": "user", "text": text})} for number, (text, _) in enumerate(questions)]
    with engine_for(tracker_url).begin() as connection:
        connection.execute(events.insert(), rows)
    return url, tracker_url


def purity(truth: list[str], found: list[str]) -> float:
    members: dict[str, list[str]] = defaultdict(list)
    for true_group, group in zip(truth, found):
        members[group].append(true_group)
    return sum(Counter(m).most_common(1)[0][1] for m in members.values()) / len(truth)


def measure(seed: int, wordings: int, entries: list[Entry]) -> tuple[float, float, int, float]:
    questions = seeded_questions(entries, seed, wordings)
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        folder = Path(tmp)
        url, tracker_url = seed_stores(folder, questions, seed)
        with make_session(url) as session:
            review = collect(session, PROJECT_ROOT / "knowledge", datetime.now(timezone.utc), tracker_url=tracker_url)
        group_of = {q.id: c.key for c in review.clusters for q in c.questions}
        truth = [questions[q_id - 1][1] for q_id in sorted(group_of)]
        found = [group_of[q_id] for q_id in sorted(group_of)]
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "bot", "--knowledge", str(PROJECT_ROOT / "knowledge"), "review",
                        "--database-url", url, "--tracker-url", tracker_url, "--html", str(folder / "review.html")],
                       cwd=PROJECT_ROOT, check=True, capture_output=True, timeout=300)
        seconds = time.monotonic() - started
    return purity(truth, found), purity(found, truth), len(review.clusters), seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--wordings", type=int, default=10, help="wordings per true group (default 10)")
    args = parser.parse_args()
    entries = list(load_knowledge(PROJECT_ROOT / "knowledge")[0].entries.values())
    print(f"Seeded store: {GROUPS * PER_GROUP} questions in {GROUPS} true groups, {args.wordings} wordings each; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    results = []
    for seed in args.seeds:
        result = measure(seed, args.wordings, entries)
        results.append(result)
        print(f"seed {seed}: purity {result[0]:.3f}, inverse purity {result[1]:.3f}, {result[2]} groups; "
              f"`python -m bot review --html` took {result[3]:.1f} s")
    worst_purity, slowest = min(r[0] for r in results), max(r[3] for r in results)
    met = worst_purity >= TARGET_PURITY and slowest < TARGET_SECONDS
    print(f"Target purity >= {TARGET_PURITY} and under {TARGET_SECONDS:.0f} s: {'met' if met else 'NOT met'} "
          f"(worst purity {worst_purity:.3f}, slowest {slowest:.1f} s)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
