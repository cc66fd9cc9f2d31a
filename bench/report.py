"""The performance benchmark's Markdown table (ours, reference, ratio, target) and latency chart."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

GIB_MIB = 1024


def pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def level(build: dict, concurrency: int) -> dict:
    return next(item for item in build["load"] if item["concurrency"] == concurrency)


def accuracy(build: dict) -> float:
    t = build["accuracy"]["totals"]
    return pct(t["correct"], t["in_scope"])


def cpu_total(build: dict, concurrency: int) -> float:
    item = level(build, concurrency)
    return round(item["cpu_ms_per_message_rasa"] + item["cpu_ms_per_message_actions"], 2)


# (label, value of one build, target as (kind, bound) or None)
Row = tuple[str, Callable[[dict], Any], tuple[str, float] | None]


def rows() -> list[Row]:
    table: list[Row] = [
        ("start-up to first answer (s)", lambda b: b["startup_s"]["first_answer"], ("abs<=", 15)),
        ("  of which until both servers answer GET (s)", lambda b: b["startup_s"]["servers_ready"], None),
        ("Rasa server RSS after load (MiB)", lambda b: b["rss_after_load"]["rasa"]["rss_mib"], ("abs<=", 0.8 * GIB_MIB)),
        ("Rasa server peak RSS (MiB)", lambda b: b["rss_after_load"]["rasa"]["peak_rss_mib"], None),
        ("action server RSS after load (MiB)", lambda b: b["rss_after_load"]["actions"]["rss_mib"], None),
    ]
    for c in (1, 8, 32):
        table += [
            (f"c={c}: p50 / p95 / p99 latency (ms)",
             lambda b, c=c: " / ".join(str(level(b, c)[f"p{q}_ms"]) for q in (50, 95, 99)), None),
            (f"c={c}: p95 latency (ms)", lambda b, c=c: level(b, c)["p95_ms"], ("ratio<=", 0.5) if c == 8 else None),
            (f"c={c}: messages/s", lambda b, c=c: level(b, c)["messages_per_s"], None),
        ]
    table += [
        ("CPU per message, Rasa server (ms, c=8)", lambda b: level(b, 8)["cpu_ms_per_message_rasa"], ("ratio<=", 0.5)),
        ("CPU per message, action server (ms, c=8)", lambda b: level(b, 8)["cpu_ms_per_message_actions"], None),
        ("CPU per message, both servers (ms, c=8)", lambda b: cpu_total(b, 8), ("ratio<=", 0.5)),
        ("errors (empty or failed replies, all levels)", lambda b: sum(i["errors"] for i in b["load"]), None),
        ("median latency, turns 1-10 (ms)", lambda b: b["turns"]["first_10_ms"], None),
        ("median latency, turns 91-100, same messages (ms)", lambda b: b["turns"]["last_10_ms"], None),
        ("  turn 100 / turn 1", lambda b: round(b["turns"]["last_10_ms"] / b["turns"]["first_10_ms"], 2),
         ("abs<=", 1.2)),
        ("full training (s)", lambda b: b["training"].get("full_s", "-"), None),
        ("no-change retraining (s)", lambda b: b["training"].get("no_change_s", "-"), None),
        ("  components retrained anyway", lambda b: ", ".join(b["training"].get("no_change_retrained", [])) or "-",
         None),
        ("answer edit (load-db) to live reply (s)", lambda b: b["answer_edit"].get("edit_to_live_reply_s", "-"), None),
        ("first-answer accuracy, held-out in scope (%)", accuracy, ("above_baselines", 0)),
        ("out-of-scope recall (%)",
         lambda b: pct(b["accuracy"]["totals"]["oos_declined"], b["accuracy"]["totals"]["oos"]), None),
        ("in scope wrongly refused (%)",
         lambda b: pct(b["accuracy"]["totals"]["refused"], b["accuracy"]["totals"]["in_scope"]), None),
    ]
    return table


# Figures that depend on how long the model trained, so a 10-epoch stand-in says nothing about them.
TRAINING_DEPENDENT = {"full training (s)", "first-answer accuracy, held-out in scope (%)",
                      "out-of-scope recall (%)", "in scope wrongly refused (%)"}


def verdict(target: tuple[str, float] | None, ours: Any, reference: Any, baseline: float) -> tuple[str, str]:
    if target is None or not isinstance(ours, (int, float)):
        return "", ""
    kind, bound = target
    if kind == "abs<=":
        return f"<= {bound:g}", "yes" if ours <= bound else "**no**"
    if kind == "ratio<=":
        if not isinstance(reference, (int, float)) or not reference:
            return f"<= {bound:g}x", "not measured"
        return f"<= {bound:g}x", "yes" if ours / reference <= bound else "**no**"
    best_other = max(baseline, reference if isinstance(reference, (int, float)) else 0.0)
    return f"> {best_other:g} (best baseline)", "yes" if ours > best_other else "**no**"


def cell(builds: dict, name: str, value: Callable[[dict], Any]) -> Any:
    return value(builds[name]) if name in builds else "-"


def markdown(report: dict) -> str:
    builds = report["builds"]
    stand_in = builds.get("reference", {}).get("build") == "reference_stand_in"
    tfidf = report["tfidf"]["totals"]
    tfidf_accuracy = pct(tfidf["correct"], tfidf["in_scope"])
    lines = ["| measure | ours | reference (rasa init config) | ours / reference | target | met |",
             "| --- | --- | --- | --- | --- | --- |"]
    for label, value, target in rows():
        ours, reference = cell(builds, "ours", value), cell(builds, "reference", value)
        ratio = (f"{ours / reference:.2f}" if isinstance(ours, (int, float)) and isinstance(reference, (int, float))
                 and reference else "")
        if stand_in and label in TRAINING_DEPENDENT:
            ratio, reference = "", f"({reference}: 10 epochs, not comparable)"
        wanted, met = verdict(target, ours, reference, tfidf_accuracy)
        lines.append(f"| {label} | {ours} | {reference} | {ratio} | {wanted} | {met} |")
    lines += ["", "| lexical baseline (scikit-learn TF-IDF, nearest phrasing) | value |", "| --- | --- |",
              f"| first-answer accuracy, held-out in scope (%) | {tfidf_accuracy} |",
              f"| top-1 without a refusal threshold (%) | {pct(tfidf['top1_correct'], tfidf['in_scope'])} |",
              f"| out-of-scope recall (%) | {pct(tfidf['oos_declined'], tfidf['oos'])} |",
              f"| refusal threshold (chosen on bench/dev.yml) | {report['tfidf']['threshold']} |",
              ""]
    if "given_model" in builds.get("ours", {}).get("training", {}):
        lines += [f"Ours column: the model {builds['ours']['training']['given_model']}, not built by this run.", ""]
    if stand_in:
        lines += ["Reference column: the rasa init pipeline and policies trained for 10 epochs instead of 100 "
                  "(same architecture, so start-up, memory, latency and CPU are comparable; its accuracy and "
                  "training time are not). `make bench` without --stand-in-reference measures the full one.", ""]
    lines += [f"Load before: {report['load_before']['uptime']}",
              f"Load after:  {report['load_after']['uptime']}",
              f"{report['messages_per_level']} timed messages per concurrency level; {report['load_before']['cpus']} CPUs."]
    return "\n".join(lines)


def write_chart(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    colours = {"ours": "tab:blue", "reference": "tab:orange"}
    labels = {"ours": "ours", "reference": "reference (rasa init config)",
              "reference_stand_in": "reference (rasa init config, 10-epoch stand-in)"}
    for name, build in report["builds"].items():
        xs = [item["concurrency"] for item in build["load"]]
        for quantile, style in (("p50", "-"), ("p95", "--"), ("p99", ":")):
            axes.plot(xs, [item[f"{quantile}_ms"] for item in build["load"]], style, marker="o",
                      color=colours.get(name), label=f"{labels.get(build.get('build', name), name)} {quantile}")
    axes.set_xscale("log", base=2)
    axes.set_yscale("log")
    axes.set_xticks([1, 8, 32], ["1", "8", "32"])
    axes.set_xlabel("concurrent users (REST channel)")
    axes.set_ylabel("latency per message (ms, log scale)")
    axes.set_title(f"Latency against concurrency (load avg before: {report['load_before']['loadavg'][0]})")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
