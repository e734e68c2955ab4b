"""Reminder figures for `bench.run`: planning a day and delivering to a local SMTP server.

The planner and deliverer (`tracker.reminders`) and their benchmark (`bench.reminders`) come with
issue 4. Until both are importable this returns nulls and names the figures as not measured; once
they are, it runs `python -m bench.reminders` in a process of its own (its peak memory is then the
planning's, not the harness's) and takes its figures. Never a made-up number.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

FIGURES = ("plan_s", "plan_peak_mb", "deliver_per_s")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def reminders_available() -> bool:
    """Return whether the reminder planner and its benchmark are in this tree."""
    try:
        return all(importlib.util.find_spec(n) for n in ("tracker.reminders", "bench.reminders"))
    except ModuleNotFoundError:
        return False


def measure_reminders(database_url: str, due_tasks: int, timeout: float = 900) -> dict:
    """Return plan_s, plan_peak_mb, deliver_per_s, `not_measured` and the raw figures."""
    if not reminders_available():
        reason = "tracker.reminders / bench.reminders not in this tree yet (issue 4)"
        return {**dict.fromkeys(FIGURES), "not_measured": list(FIGURES), "reason": reason}
    command = [sys.executable, "-m", "bench.reminders", "--database-url", database_url]
    command += ["--due-tasks", str(due_tasks)]
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        reason = f"bench.reminders failed: {done.stderr.strip()[-500:]}"
        return {**dict.fromkeys(FIGURES), "not_measured": list(FIGURES), "reason": reason}
    return figures_of(json.loads(done.stdout.strip().splitlines()[-1]))


def figures_of(raw: dict) -> dict:
    """Take the harness's figures from bench.reminders' JSON; absent ones are null and listed."""
    planning = raw.get("planning") or {}
    per_task = next((d for d in raw.get("delivery") or [] if d.get("mode") == "per_task"), {})
    figures = {
        "plan_s": planning.get("seconds"),
        # The planning process's peak RSS (as the export's); tracemalloc's peak is in `raw`.
        "plan_peak_mb": planning.get("process_max_rss_mb"),
        "deliver_per_s": per_task.get("messages_per_second"),
    }
    missing = [name for name, value in figures.items() if value is None]
    return {**figures, "not_measured": missing, "raw": raw}
