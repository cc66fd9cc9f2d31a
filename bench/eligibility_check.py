"""Eligibility-check benchmark: plays scripted dialogues (bench/eligibility_dialogues.yml) against the real bot.

Each dialogue is a fresh conversation through the REST channel; at its end the tracker's
eligibility_status and eligibility_missing are compared with what the script expects. Prints a
Markdown table and writes results/eligibility_dialogues.json. Target: every dialogue right.

    .venv/bin/python bench/eligibility_check.py            # starts its own bot on free ports
    .venv/bin/python bench/eligibility_check.py --url http://127.0.0.1:5005
"""
from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.serve import bot_url, fetch_tracker, send_message  # noqa: E402


def play(url: str, lines: list[str]) -> dict:
    """Sends the lines as one new conversation; returns the final status, missing ids and transcript."""
    sender = f"bench-eligibility-{uuid.uuid4().hex[:12]}"
    transcript = []
    for line in lines:
        replies = send_message(url, sender, str(line))
        transcript.append({"user": str(line), "bot": [m.get("text", "") for m in replies]})
    slots = fetch_tracker(url, sender)["slots"]
    return {"status": slots.get("eligibility_status"), "missing": slots.get("eligibility_missing") or [],
            "transcript": transcript}


def check_questions() -> set[str]:
    """The texts of the check's questions (utter_ask_<slot>), as generate writes them from knowledge/."""
    data = YAML(typ="safe").load((ROOT / "data" / "nlu" / "generated" / "eligibility.yml").read_text(encoding="utf-8"))
    return {variant["text"] for name, variants in data["responses"].items() if name.startswith("utter_ask_")
            for variant in variants}


def longest_repeat(transcript: list[dict], questions: set[str]) -> int:
    """The most turns in a row that ended with the same question of the check (target: at most 2)."""
    longest, run, last = 0, 0, None
    for turn in transcript:
        ending = turn["bot"][-1] if turn["bot"] else None
        if ending not in questions:
            run, last = 0, None
            continue
        run = run + 1 if ending == last else 1
        last = ending
        longest = max(longest, run)
    return longest


def evaluate(url: str, dialogues: list[dict]) -> dict:
    results = []
    questions = check_questions()
    for dialogue in dialogues:
        got = play(url, dialogue["say"])
        expected = dialogue["expect"]
        right = got["status"] == expected["status"] and sorted(got["missing"]) == sorted(expected["missing"])
        results.append({"name": dialogue["name"], "turns": len(dialogue["say"]), "right": right,
                        "style": dialogue.get("style", ""), "expected": expected,
                        "got": {"status": got["status"], "missing": got["missing"]},
                        "longest_repeat": longest_repeat(got["transcript"], questions), "transcript": got["transcript"]})
    return {"dialogues": len(results), "right": sum(r["right"] for r in results),
            "asked_more_than_twice": sum(r["longest_repeat"] > 2 for r in results), "results": results}


def report(result: dict) -> str:
    lines = [f"{result['right']} of {result['dialogues']} dialogues ended with the right status and missing list "
             "(target: all).",
             f"{result['asked_more_than_twice']} dialogues had the same question asked more than twice in a row "
             "(target: 0).", ""]
    styles: dict[str, list[bool]] = {}
    for r in result["results"]:
        styles.setdefault(r["style"] or "-", []).append(r["right"])
    if len(styles) > 1:
        lines += ["| style | dialogues | right |", "| --- | --- | --- |"]
        lines += [f"| {name} | {len(rights)} | {sum(rights)} |" for name, rights in sorted(styles.items())]
        lines.append("")
    lines += ["| dialogue | turns | expected | got | |", "| --- | --- | --- | --- | --- |"]
    for r in result["results"]:
        expected = f"{r['expected']['status']} {sorted(r['expected']['missing'])}"
        got = f"{r['got']['status']} {sorted(r['got']['missing'])}"
        lines.append(f"| {r['name']} | {r['turns']} | {expected} | {got} | {'ok' if r['right'] else 'WRONG'} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running bot (default: start one on free ports)")
    parser.add_argument("--dialogues", type=Path, default=ROOT / "bench" / "eligibility_dialogues.yml")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "eligibility_dialogues.json")
    args = parser.parse_args()
    dialogues = YAML(typ="safe").load(args.dialogues.read_text(encoding="utf-8"))["dialogues"]
    with bot_url(args.url, "bench-eligibility-") as url:
        result = evaluate(url, dialogues)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
