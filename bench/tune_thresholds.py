"""Chooses the answer / did-you-mean thresholds on the development set (bench/dev.yml).

Parses every dev question once with the running model (POST /model/parse), then replays
bot.answering.decide with each candidate Thresholds. The held-out set is never used here, so
the benchmark's figures stay honest.

    .venv/bin/python bench/tune_thresholds.py            # starts its own bot on free ports
    .venv/bin/python bench/tune_thresholds.py --url http://127.0.0.1:5005   # its token: BOT_API_TOKEN or var/api-token
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
import urllib.request
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering import Thresholds, decide  # noqa: E402
from bot.api_auth import api_url  # noqa: E402
from bot.serve import bot_url  # noqa: E402

MAX_WRONGLY_REFUSED = 0.03
WRONG_ANSWER_COST = 3  # a confidently wrong answer is worse than a "did you mean"


def parse(url: str, text: str) -> dict:
    request = urllib.request.Request(api_url(url, "/model/parse"), json.dumps({"text": text}).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def outcome(parsed: dict, thresholds: Thresholds) -> tuple[str, tuple[str, ...]]:
    if (parsed.get("intent") or {}).get("name") == "out_of_scope":
        return "declined", ()
    decision = decide(parsed, thresholds)
    return ("declined", ()) if decision.kind == "no_match" else (decision.kind, decision.entry_ids)


def score(parsed: list[tuple[dict, str]], thresholds: Thresholds) -> dict[str, float]:
    counts = {"correct": 0, "wrong": 0, "refused": 0, "in_scope": 0, "oos": 0, "oos_declined": 0}
    for result, expected in parsed:
        kind, ids = outcome(result, thresholds)
        if expected == "out_of_scope":
            counts["oos"] += 1
            counts["oos_declined"] += kind == "declined"
            continue
        counts["in_scope"] += 1
        counts["correct"] += kind == "answer" and ids[0] == expected
        counts["wrong"] += kind == "answer" and ids[0] != expected
        counts["refused"] += kind == "declined"
    return counts


def candidates() -> list[Thresholds]:
    grid = itertools.product((0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5), (0.0, 0.05, 0.1, 0.15, 0.2),
                             (0.08, 0.1, 0.12, 0.15, 0.2))
    return [Thresholds(answer=a, margin=m, suggest=s) for a, m, s in grid if s < a]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running bot started with --enable-api (default: start one)")
    parser.add_argument("--questions", type=Path, default=ROOT / "bench" / "dev.yml")
    args = parser.parse_args()
    questions = YAML(typ="safe").load(args.questions.read_text(encoding="utf-8"))["questions"]
    with bot_url(args.url, "tune-") as url:
        parsed = [(parse(url, q["text"]), q["expect"]) for q in questions]
    best = None
    for thresholds in candidates():
        c = score(parsed, thresholds)
        if c["refused"] > MAX_WRONGLY_REFUSED * c["in_scope"]:
            continue
        value = c["correct"] - WRONG_ANSWER_COST * c["wrong"] + c["oos_declined"]
        if best is None or value > best[0]:
            best = (value, thresholds, c)
    if best is None:
        print("No thresholds keep wrongly refused questions under 3 %.")
        return 1
    _, thresholds, c = best
    print(f"best: {thresholds}")
    print(f"dev: {c['correct']}/{c['in_scope']} answered right, {c['wrong']} answered wrong, "
          f"{c['refused']} refused; out of scope declined {c['oos_declined']}/{c['oos']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
