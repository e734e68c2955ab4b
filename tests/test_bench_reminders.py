"""Smoke test of the reminders benchmark on a small private database."""

from __future__ import annotations

import json

from bench import reminders


def test_reminders_benchmark_reports_its_figures(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    reminders.main(
        ["--database-url", url, "--seed-tasks", "300", "--due-tasks", "60", "--messages", "25"]
    )
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["database"]["tasks"] == 360
    assert figures["database"]["tasks_in_windows"] >= 60
    planning = figures["planning"]
    assert planning["rows_created"] > 0 and planning["replan_rows_created"] == 0
    digest, per_task = figures["delivery"]
    assert digest["mode"] == "digest" and digest["rows"] == planning["rows_created"]
    assert 0 < digest["messages"] <= figures["database"]["contacts"]
    assert (per_task["mode"], per_task["rows"], per_task["messages"]) == ("per_task", 25, 25)
