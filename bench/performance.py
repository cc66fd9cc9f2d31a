"""Performance benchmark: our bot next to the same content built with Rasa's default config, one run.

Builds (or takes from the cache in var/bench/) both models, then starts each build in turn on free
127.0.0.1 ports with its own copy of knowledge/ and store, and measures start-up, memory, latency and
throughput at several concurrencies, CPU per message, turn 1 vs turn 100, retraining, an answer
edit going live, and first-answer accuracy on bench/heldout.yml (plus a TF-IDF retriever).
Prints a Markdown table; writes results/performance.json and results/performance.png.

    make bench                                   # or:
    .venv/bin/python bench/performance.py [--messages 300] [--builds ours,reference]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import builds as build_cache  # noqa: E402
from bench import lexical_baseline, traffic  # noqa: E402
from bench.answer_quality import evaluate as evaluate_answers  # noqa: E402
from bench.procstat import cpu_seconds, memory_mib  # noqa: E402
from bench.report import markdown, write_chart  # noqa: E402
from bot.kb.validate import load_checked  # noqa: E402
from bot.serve import RunningBot, free_port, send_message, start_bot  # noqa: E402

CONCURRENCIES = (1, 8, 32)
SEED = 7
EDITED_ENTRY = "fee_j1"  # its answer shows the SEVIS fee figure
FIGURE_BEFORE, FIGURE_AFTER = "value: US$220", "value: US$350"


def load_questions(name: str) -> list[dict]:
    return YAML(typ="safe").load((ROOT / "bench" / name).read_text(encoding="utf-8"))["questions"]


def machine_load() -> dict:
    one, five, fifteen = os.getloadavg()
    return {"loadavg": [round(one, 2), round(five, 2), round(fifteen, 2)], "cpus": os.cpu_count(),
            "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}


def private_store(work: Path) -> dict[str, str]:
    """A fresh copy of knowledge/ and a store loaded from it, so the edit test touches nothing shared."""
    knowledge = work / "knowledge"
    shutil.rmtree(knowledge, ignore_errors=True)
    shutil.copytree(ROOT / "knowledge", knowledge)
    # One simulated user sends faster than a person types; the benchmark measures the bot, not the
    # per-sender rate limit, so the limit is off (0) for its bots.
    env = {"BOT_KNOWLEDGE_DIR": str(knowledge), "BOT_DATABASE_URL": f"sqlite:///{work / 'bot.db'}",
           "BOT_MESSAGES_PER_MINUTE": "0"}
    load_db(env)
    return env


def load_db(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "bot", "load-db"], cwd=ROOT, env={**os.environ, **env}, check=True,
                   capture_output=True, timeout=300)


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def answer_edit_seconds(bot: RunningBot, env: dict[str, str]) -> dict:
    """Edit a figure in knowledge/, run load-db, and ask: seconds until the reply shows the new value."""
    payload = '/faq{"faq_id": "%s"}' % EDITED_ENTRY
    if "US$220" not in texts(send_message(bot.url, "edit-before", payload)):
        return {"error": f"the {EDITED_ENTRY} answer did not show US$220 before the edit"}
    figures = Path(env["BOT_KNOWLEDGE_DIR"]) / "figures.yml"
    started = time.monotonic()
    figures.write_text(figures.read_text(encoding="utf-8").replace(FIGURE_BEFORE, FIGURE_AFTER), encoding="utf-8")
    load_db(env)
    loaded = time.monotonic()
    live = "US$350" in texts(send_message(bot.url, "edit-after", payload))
    done = time.monotonic()
    return {"edit_to_live_reply_s": round(done - started, 2), "load_db_s": round(loaded - started, 2),
            "reply_after_load_s": round(done - loaded, 3), "live": live}


def eligibility_dialogues() -> list[list[str]]:
    """The scripted eligibility checks, once the bot has the form (empty before)."""
    path = ROOT / "bench" / "eligibility_dialogues.yml"
    if "eligibility_form" not in (ROOT / "domain.yml").read_text(encoding="utf-8") or not path.exists():
        return []
    return [d["say"] for d in YAML(typ="safe").load(path.read_text(encoding="utf-8"))["dialogues"]]


def build_model(build: build_cache.Build, given: Path | None, args: argparse.Namespace) -> tuple[Path, dict]:
    """The model to measure and its training figures: built here (cached), or given on the command line."""
    if given is not None:
        return given, {"given_model": str(given), "note": "not built by this run; training not measured"}
    stamp = build_cache.ensure_trained(build)
    training = {"full_s": stamp["train_seconds"], "trained_at": stamp["trained_at"], "from_cache": stamp["cached"]}
    if not args.skip_retrain:
        again = build_cache.no_change_retrain(build)
        training["no_change_s"], training["no_change_retrained"] = again["seconds"], again["retrained"]
    return build_cache.model_path(build), training


def measure_build(build: build_cache.Build, args: argparse.Namespace, work: Path, given: Path | None = None) -> dict:
    model, training = build_model(build, given, args)
    result: dict = {"training": training}
    env = private_store(work)
    print(f"[{build.name}] starting ...", flush=True)
    bot = start_bot(free_port(), free_port(), work / "run", env=env, model=model)
    actions_pid, rasa_pid = (p.pid for p in bot.processes)
    try:
        result["startup_s"] = {k: round(v, 2) for k, v in bot.startup_s.items()}
        result["rss_after_start"] = {"rasa": memory_mib(rasa_pid), "actions": memory_mib(actions_pid)}
        print(f"[{build.name}] accuracy on the held-out set ...", flush=True)
        heldout = load_questions("heldout.yml")
        knowledge = load_checked(Path(env["BOT_KNOWLEDGE_DIR"]), date.today())
        topic_of = {entry.id: entry.topic for entry in knowledge.entries.values()}
        quality = evaluate_answers(bot.url, heldout, topic_of)
        result["accuracy"] = {"totals": quality["totals"], "misses": len(quality["misses"])}
        print(f"[{build.name}] turn 1 vs turn {args.turns} ...", flush=True)
        questions = [q["text"] for q in heldout if q["expect"] != "out_of_scope"]
        runs = asyncio.run(traffic.turn_latencies(bot.url, traffic.long_conversation(questions, args.turns), 2))
        result["turns"] = {"first_10_ms": traffic.window_median_ms(runs, 0, 10),
                           "last_10_ms": traffic.window_median_ms(runs, args.turns - 10, args.turns),
                           "turns": args.turns}
        result["load"] = []
        sessions = traffic.conversations([q["text"] for q in heldout], 4 * args.messages, SEED, eligibility_dialogues())
        for concurrency in CONCURRENCIES:
            print(f"[{build.name}] {args.messages} messages at concurrency {concurrency} ...", flush=True)
            cpu_before = {"rasa": cpu_seconds(rasa_pid), "actions": cpu_seconds(actions_pid)}
            load = asyncio.run(traffic.run_load(bot.url, sessions, concurrency, args.messages))
            summary = load.summary()
            for name, pid in (("rasa", rasa_pid), ("actions", actions_pid)):
                used = cpu_seconds(pid) - cpu_before[name]
                summary[f"cpu_ms_per_message_{name}"] = round(1000 * used / max(1, summary["messages"]), 2)
            result["load"].append(summary)
        result["rss_after_load"] = {"rasa": memory_mib(rasa_pid), "actions": memory_mib(actions_pid)}
        result["answer_edit"] = answer_edit_seconds(bot, env)
    finally:
        bot.stop()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300, help="timed messages per concurrency level")
    parser.add_argument("--turns", type=int, default=100, help="length of the long conversation")
    parser.add_argument("--builds", default="ours,reference", help="comma-separated: ours, reference")
    parser.add_argument("--skip-retrain", action="store_true", help="do not time a no-change `rasa train`")
    parser.add_argument("--stand-in-reference", action="store_true",
                        help="measure the reference config trained for 10 epochs (runtime figures only)")
    parser.add_argument("--ours-model", type=Path, default=None,
                        help="measure this trained model of our config instead of building one (e.g. models/*.tar.gz)")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "performance.json")
    args = parser.parse_args()
    wanted = args.builds.split(",")
    report: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "load_before": machine_load(),
                    "python": platform.python_version(), "messages_per_level": args.messages, "builds": {}}
    knowledge = load_checked(ROOT / "knowledge", date.today())
    report["tfidf"] = lexical_baseline.evaluate(knowledge, load_questions("dev.yml"), load_questions("heldout.yml"))
    work_root = Path(tempfile.mkdtemp(prefix="bench-performance-"))
    try:
        for role, build in zip(("ours", "reference"), build_cache.builds(args.stand_in_reference)):
            if role in wanted:
                given = args.ours_model if role == "ours" else None
                report["builds"][role] = {"build": build.name, **measure_build(build, args, work_root / role, given)}
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
    report["load_after"] = machine_load()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    chart = args.out.with_suffix(".png")
    write_chart(report, chart)
    print(markdown(report))
    print(f"\nJSON: {args.out}\nchart: {chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
