"""Bake-off of NLU designs on a blind question set: trains each design's NLU model and scores it.

Each design is a Rasa config in bench/designs/ (or config.yml itself). The model parses every
question and bot.answering.decide picks the reply kind exactly as action_answer_faq would; the
out_of_scope intent counts as declined. Compare on the dev set; the held-out set only measures.

    .venv/bin/python bench/nlu_bakeoff.py --set bench/blind/dev.yml config.yml bench/designs/diet_lexical.yml
    .venv/bin/python bench/nlu_bakeoff.py --set bench/blind/dev.yml --tune config.yml
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.blind_scoring import Outcome, load_items, report, score  # noqa: E402
from bot.answering import Thresholds, decide  # noqa: E402
from bot.kb.validate import load_checked  # noqa: E402

MODELS = ROOT / "models" / "bakeoff"
WRONG_ANSWER_COST = 3  # tuning: a confidently wrong answer costs three "did you mean"s


def train(config: Path) -> Path:
    """Trains (or reuses: Rasa skips training when nothing changed) the design's NLU model."""
    out = MODELS / config.stem
    started = time.monotonic()
    subprocess.run([str(ROOT / ".venv" / "bin" / "rasa"), "train", "nlu", "--config", str(config), "--out", str(out),
                    "--fixed-model-name", config.stem, "--nlu", "data"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    print(f"{config}: model ready in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return out / f"{config.stem}.tar.gz"


def parse_all(model: Path, texts: list[str]) -> list[dict]:
    from rasa.core.agent import Agent  # imported here: loading Rasa takes seconds

    agent = Agent.load(str(model))

    async def run() -> list[dict]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(run())


def outcome_of(parsed: dict, thresholds: Thresholds) -> Outcome:
    intent = (parsed.get("intent") or {}).get("name")
    if intent == "out_of_scope":
        return Outcome("declined")
    if intent not in ("faq", "nlu_fallback") and not parsed.get("text", "").startswith("/"):
        return Outcome("other")
    decision = decide(parsed, thresholds)
    if decision.kind == "no_match":
        return Outcome("declined")
    return Outcome(decision.kind, decision.entry_ids)


def tuned(items: list[dict], parsed: list[dict], topic_of: dict[str, str]) -> Thresholds:
    """The thresholds with the best (right - 3 x wrong) on this set, keeping wrongly refused at most 2 %."""
    best, best_value = Thresholds(), float("-inf")
    for answer, margin, suggest, part_intent in itertools.product(
            (0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6), (0.0, 0.05, 0.1, 0.2), (0.05, 0.1, 0.15), (0.3, 0.5, 0.7)):
        if suggest > answer:
            continue
        thresholds = replace(Thresholds(), answer=answer, margin=margin, suggest=suggest, part_intent=part_intent)
        t = score(items, [outcome_of(p, thresholds) for p in parsed], topic_of)["totals"]["in_scope"]
        if t.get("refused", 0) > 0.02 * t["n"]:
            continue
        value = t.get("correct", 0) - WRONG_ANSWER_COST * t.get("wrong", 0)
        if value > best_value:
            best, best_value = thresholds, value
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("designs", nargs="+", type=Path, help="Rasa config files, one per design")
    parser.add_argument("--set", type=Path, required=True, help="a blind question set with labels (bench/blind/)")
    parser.add_argument("--tune", action="store_true", help="also search the answer thresholds on this set")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "nlu_bakeoff.json")
    args = parser.parse_args()
    items = load_items(args.set)
    topic_of = {e.id: e.topic for e in load_checked(ROOT / "knowledge", date.today()).entries.values()}
    results = {}
    for design in args.designs:
        parsed = parse_all(train(design), [item["text"] for item in items])
        thresholds = tuned(items, parsed, topic_of) if args.tune else Thresholds()
        result = score(items, [outcome_of(p, thresholds) for p in parsed], topic_of)
        results[str(design)] = {"thresholds": thresholds.__dict__, **result}
        print(f"\n## {design} on {args.set.name} (thresholds {thresholds})\n\n{report(result)}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
