"""Answer-quality benchmark: sends every question as a fresh conversation to the real bot.

On a blind set (bench/blind/heldout_a.yml, the default; see bench/blind_scoring.py) it reports first-answer
accuracy per style, per topic and per out-of-scope kind; on the old sets written beside the data
(bench/heldout.yml, kept as a regression check) accuracy per topic. Markdown on stdout, JSON in results/.

    .venv/bin/python bench/answer_quality.py            # starts its own bot on free ports
    .venv/bin/python bench/answer_quality.py --questions bench/heldout.yml --url http://127.0.0.1:5005
"""
from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import blind_scoring  # noqa: E402
from bot.kb.validate import load_checked  # noqa: E402
from bot.serve import bot_url, fetch_tracker, send_message  # noqa: E402

OUT_OF_SCOPE = "out_of_scope"
DECLINED = "declined"


@dataclass(frozen=True)
class Outcome:
    kind: str  # answer | did_you_mean | declined | other
    entry_id: str | None  # the first entry answered
    candidates: tuple[str, ...]  # every entry answered, or the entries "did you mean" offered


def ask(url: str, text: str) -> Outcome:
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    messages = send_message(url, sender, text)
    tracker = fetch_tracker(url, sender)
    utters = [e.get("metadata", {}).get("utter_action", "") for e in tracker["events"] if e["event"] == "bot"]
    first = utters[0] if utters else ""
    if first in ("utter_faq_answer", "utter_faq_answer_titled"):
        answered = tuple(tracker["slots"].get("answered_faq_ids") or [])
        return Outcome("answer", tracker["slots"].get("last_faq_id"), answered)
    if first == "utter_did_you_mean":
        payloads = [b["payload"] for m in messages for b in m.get("buttons") or []]
        return Outcome("did_you_mean", None, tuple(json.loads(p[len("/faq"):])["faq_id"] for p in payloads))
    if first.startswith("utter_out_of_scope") or first == "utter_no_answer":
        return Outcome(DECLINED, None, ())
    return Outcome("other", None, ())


def evaluate(url: str, questions: list[dict], topic_of: dict[str, str]) -> dict:
    per_topic: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    misses = []
    for question in questions:
        expected = question["expect"]
        outcome = ask(url, question["text"])
        if expected == OUT_OF_SCOPE:
            totals["oos"] += 1
            totals["oos_declined"] += outcome.kind == DECLINED
            if outcome.kind != DECLINED:
                misses.append({"text": question["text"], "expect": expected, "got": outcome.__dict__})
            continue
        topic = topic_of.get(expected, "unknown")
        correct = outcome.kind == "answer" and outcome.entry_id == expected and len(outcome.candidates) <= 1
        for bucket in (totals, per_topic[topic]):
            bucket["in_scope"] += 1
            bucket["correct"] += correct
            bucket["refused"] += outcome.kind == DECLINED
            bucket["did_you_mean"] += outcome.kind == "did_you_mean"
            bucket["did_you_mean_right"] += outcome.kind == "did_you_mean" and expected in outcome.candidates
        if question.get("kind") == "retired_rule":
            totals["retired"] += 1
            totals["retired_correct"] += correct
        if not correct:
            misses.append({"text": question["text"], "expect": expected, "got": outcome.__dict__})
    return {"totals": dict(totals), "per_topic": {t: dict(c) for t, c in sorted(per_topic.items())},
            "misses": misses}


def evaluate_blind(url: str, items: list[dict], topic_of: dict[str, str]) -> dict:
    outcomes = [ask(url, item["text"]) for item in items]
    return blind_scoring.score(items, [blind_scoring.Outcome(o.kind, o.candidates) for o in outcomes], topic_of)


def ratio(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def report(result: dict) -> str:
    t = result["totals"]
    lines = [
        "| measure | value | target |", "| --- | --- | --- |",
        f"| first-answer accuracy (in scope, n={t['in_scope']}) | {ratio(t['correct'], t['in_scope'])} % | >= 92 % |",
        f"| out-of-scope recall (n={t['oos']}) | {ratio(t['oos_declined'], t['oos'])} % | >= 90 % |",
        f"| in-scope wrongly refused | {ratio(t['refused'], t['in_scope'])} % | <= 3 % |",
        f"| retired-rule beliefs corrected (n={t.get('retired', 0)}) "
        f"| {ratio(t.get('retired_correct', 0), t.get('retired', 0))} % | |",
        f"| in scope answered with 'did you mean' | {ratio(t['did_you_mean'], t['in_scope'])} % "
        f"(right entry offered in {t['did_you_mean_right']} of {t['did_you_mean']}) | |",
        "", "| topic | questions | first-answer accuracy | did you mean | refused |", "| --- | --- | --- | --- | --- |",
    ]
    for topic, c in result["per_topic"].items():
        lines.append(f"| {topic} | {c['in_scope']} | {ratio(c['correct'], c['in_scope'])} % "
                     f"| {c['did_you_mean']} | {c['refused']} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running bot (default: start one on free ports)")
    parser.add_argument("--questions", type=Path, default=ROOT / "bench" / "blind" / "heldout_a.yml")
    parser.add_argument("--out", type=Path, default=None, help="default: results/answer_quality-<set>.json")
    args = parser.parse_args()
    questions = YAML(typ="safe").load(args.questions.read_text(encoding="utf-8"))["questions"]
    blind = all("style" in q for q in questions)
    knowledge = load_checked(ROOT / "knowledge", date.today())
    topic_of = {entry.id: entry.topic for entry in knowledge.entries.values()}
    with bot_url(args.url, "bench-answers-") as url:
        result = (evaluate_blind if blind else evaluate)(url, questions, topic_of)
    out = args.out or ROOT / "results" / f"answer_quality-{args.questions.stem}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(blind_scoring.report(result) if blind else report(result))
    print(f"\n{len(result['misses'])} misses listed in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
