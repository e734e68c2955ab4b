"""Score the text import on the hand-written notices in bench/textimport_eval/.

Run from the repository root: `python -m bench.eval_textimport [--details]`. Prints one JSON object.
Expected and proposed tasks are aligned in order by a best-scoring monotone alignment, so one missed
or extra task does not shift the rest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pathlib
import sys
import time

from tracker.textimport import parse_directive_text

EVAL_DIR = pathlib.Path(__file__).with_name("textimport_eval")


def load_notices(directory: pathlib.Path = EVAL_DIR) -> list[tuple[str, dict]]:
    """Return (name, notice) for every notice of the evaluation set."""
    return [(p.stem, json.loads(p.read_text("utf-8"))) for p in sorted(directory.glob("*.json"))]


def similarity(expected: dict, proposed: dict) -> float:
    """Score how well a proposed task matches an expected one (higher is better, never 0)."""
    score = 0.1
    if (
        expected["lead_agency"] == proposed["lead_agency"]
        and expected["group"] == proposed["group"]
    ):
        score += 2.0
    if deadline_ok(expected, proposed):
        score += 1.0
    wanted, got = set(expected["coordinating_agencies"]), set(proposed["coordinating_agencies"])
    if wanted | got:
        score += 0.5 * len(wanted & got) / len(wanted | got)
    return score


def deadline_ok(expected: dict, proposed: dict) -> bool:
    """Tell whether the deadline kind and due date both match."""
    return (expected["deadline_kind"], expected["due_date"]) == (
        proposed["deadline_kind"],
        proposed["due_date"],
    )


def align(expected: list[dict], proposed: list[dict]) -> list[tuple[int, int]]:
    """Return the order-preserving pairs (expected index, proposed index) of highest total score."""
    rows, cols = len(expected), len(proposed)
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            paired = similarity(expected[i], proposed[j]) + best[i + 1][j + 1]
            best[i][j] = max(paired, best[i + 1][j], best[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < rows and j < cols:
        if best[i][j] == similarity(expected[i], proposed[j]) + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


class Tally:
    """Counts behind the precision, recall and accuracy figures."""

    def __init__(self):
        self.counts = dict.fromkeys(
            [
                "lead_tp", "lead_expected", "lead_proposed",
                "group_tp", "group_expected", "group_proposed",
                "coord_tp", "coord_expected", "coord_proposed",
                "deadline_ok", "tasks_expected", "tasks_proposed", "aligned",
            ],
            0,
        )  # fmt: skip

    def add(self, expected: list[dict], proposed: list[dict], pairs: list[tuple[int, int]]) -> None:
        """Count one notice."""
        c = self.counts
        c["tasks_expected"] += len(expected)
        c["tasks_proposed"] += len(proposed)
        c["aligned"] += len(pairs)
        for key in ("lead", "group"):
            field = "lead_agency" if key == "lead" else "group"
            c[f"{key}_expected"] += sum(1 for t in expected if t[field])
            c[f"{key}_proposed"] += sum(1 for t in proposed if t[field])
            c[f"{key}_tp"] += sum(
                1
                for i, j in pairs
                if expected[i][field] and expected[i][field] == proposed[j][field]
            )
        c["coord_expected"] += sum(len(t["coordinating_agencies"]) for t in expected)
        c["coord_proposed"] += sum(len(t["coordinating_agencies"]) for t in proposed)
        for i, j in pairs:
            wanted = set(expected[i]["coordinating_agencies"])
            c["coord_tp"] += len(wanted & set(proposed[j]["coordinating_agencies"]))
            c["deadline_ok"] += deadline_ok(expected[i], proposed[j])

    def figures(self) -> dict:
        """Return the precision, recall and accuracy figures."""
        c = self.counts
        figures = {}
        for key in ("lead", "group", "coord"):
            name = {"lead": "lead_agency", "group": "group", "coord": "coordinating_agencies"}[key]
            figures[name] = {
                "precision": _ratio(c[f"{key}_tp"], c[f"{key}_proposed"]),
                "recall": _ratio(c[f"{key}_tp"], c[f"{key}_expected"]),
                "true_positives": c[f"{key}_tp"],
                "expected": c[f"{key}_expected"],
                "proposed": c[f"{key}_proposed"],
            }
        figures["deadline"] = {
            "accuracy": _ratio(c["deadline_ok"], c["tasks_expected"]),
            "precision": _ratio(c["deadline_ok"], c["tasks_proposed"]),
            "correct": c["deadline_ok"],
        }
        return figures


def _ratio(part: int, whole: int) -> float:
    """Return part / whole rounded, 1.0 when there is nothing to count."""
    return round(part / whole, 3) if whole else 1.0


def _mismatches(name: str, expected: list[dict], proposed: list[dict], pairs: list) -> list[dict]:
    """Describe what went wrong in one notice."""
    keys = ("lead_agency", "group", "coordinating_agencies", "deadline_kind", "due_date")
    out = []
    paired_e, paired_p = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, j in pairs:
        got = {k: proposed[j][k] for k in keys}
        if got != {k: expected[i][k] for k in keys}:
            out.append(
                {
                    "notice": name,
                    "expected": expected[i],
                    "proposed": got,
                    "source": proposed[j]["source"],
                }
            )
    out += [
        {"notice": name, "missed": expected[i]} for i in range(len(expected)) if i not in paired_e
    ]
    out += [
        {
            "notice": name,
            "extra": {k: proposed[j][k] for k in keys},
            "source": proposed[j]["source"],
        }
        for j in range(len(proposed))
        if j not in paired_p
    ]
    return out


def _timed(text: str, issued_on: dt.date) -> tuple[list[dict], float]:
    """Parse a text and return the tasks as dicts and the seconds it took."""
    started = time.perf_counter()
    tasks = parse_directive_text(text, issued_on)
    return [t.to_dict() for t in tasks], time.perf_counter() - started


def _long_text(notices: list[tuple[str, dict]]) -> dict:
    """Time one long text: the official notices of the set, twice over (about 15 pages)."""
    official = [n["text"] for _, n in notices if "THÔNG BÁO" in n["text"]]
    text = "\n".join(official * 2)
    tasks, seconds = _timed(text, dt.date(2024, 1, 1))
    return {"chars": len(text), "tasks": len(tasks), "parse_ms": round(1000 * seconds, 2)}


def evaluate(details: bool = False) -> dict:
    """Run the evaluation and return its report."""
    notices = load_notices()
    parse_directive_text("Bộ Tài chính chủ trì.", dt.date(2025, 1, 1))  # build the matcher once
    tally, times, problems = Tally(), [], []
    for name, notice in notices:
        issued_on = dt.date.fromisoformat(notice["issued_on"])
        proposed, seconds = _timed(notice["text"], issued_on)
        times.append(seconds)
        pairs = align(notice["expected"], proposed)
        tally.add(notice["expected"], proposed, pairs)
        problems += _mismatches(name, notice["expected"], proposed, pairs) if details else []
    report = {
        "notices": len(notices),
        "tasks_expected": tally.counts["tasks_expected"],
        "tasks_proposed": tally.counts["tasks_proposed"],
        "tasks_aligned": tally.counts["aligned"],
        **tally.figures(),
        "parse_ms_per_notice": round(1000 * sum(times) / max(len(times), 1), 2),
        "parse_ms_max": round(1000 * max(times, default=0), 2),
        "long_text": _long_text(notices),
    }
    if details:
        report["mismatches"] = problems
    return report


def main(argv: list[str] | None = None) -> int:
    """Print the evaluation report as one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list every mismatch")
    args = parser.parse_args(argv)
    json.dump(evaluate(args.details), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
