"""CPU time and memory of a server process and its children, read from /proc (Linux)."""
from __future__ import annotations

import os
from pathlib import Path

TICKS_PER_S = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024


def process_tree(pid: int) -> list[int]:
    """pid and every descendant alive now."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += children.get(current, [])
    return tree


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process tree (live processes, including reaped children's)."""
    total = 0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / TICKS_PER_S


def memory_mib(pid: int) -> dict[str, float]:
    """Resident set now and at its peak, summed over the process tree."""
    now = peak = 0
    for member in process_tree(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text().splitlines()
        except OSError:
            continue
        values = {line.split(":")[0]: int(line.split()[1]) for line in status if line.startswith(("VmRSS", "VmHWM"))}
        now += values.get("VmRSS", 0)
        peak += values.get("VmHWM", 0)
    return {"rss_mib": round(now / 1024, 1), "peak_rss_mib": round(peak / 1024, 1)}
