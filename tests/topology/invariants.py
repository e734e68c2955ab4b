"""What must hold after any load and any fault, read from the database with plain SQL."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

import psycopg

from tests.topology.clients import Ack
from tracker.reminders.mailer import key_of

KEY = re.compile(r"\[k:([0-9a-f]{32})\]")
# Where each kind of acknowledged write leaves its key: table, text column, id column, filter.
WRITES = {
    "task": ("tasks", "title", "id", "parent_id IS NULL"),
    "report": ("reports", "summary", "id", "TRUE"),
    "review": ("reports", "review_comment", "id", "TRUE"),
    "extension": ("extensions", "reason", "id", "TRUE"),
    "decision": ("extensions", "decision_comment", "id", "TRUE"),
    "withdrawal": ("tasks", "cancel_reason", "id", "parent_id IS NULL"),
}
BUCKETS = ("done_on_time", "done_late", "open_in_term", "open_overdue", "regular", "withdrawn")


def keys_in(conn: psycopg.Connection, kind: str) -> dict[str, list[int]]:
    """Return the ids of the rows that carry each client key, for a kind of write."""
    table, column, id_column, where = WRITES[kind]
    found: dict[str, list[int]] = defaultdict(list)
    rows = conn.execute(
        f"SELECT {id_column}, {column} FROM {table} WHERE {column} LIKE '%[k:%' AND {where}"
    )
    for row_id, text in rows:
        for key in KEY.findall(text):
            found[key].append(row_id)
    return found


def check_writes(conn: psycopg.Connection, acks: list[Ack]) -> dict:
    """Every acknowledged write is stored exactly once, under the id returned; nothing else is."""
    problems, counts, found = [], Counter(), Counter()
    for kind in WRITES:
        stored = keys_in(conn, kind)
        acked = {ack.key: ack.id for ack in acks if ack.kind == kind}
        counts[kind] = len(acked)
        for key, id_ in acked.items():
            ids = stored.get(key, [])
            found["lost" if not ids else "duplicated" if len(ids) > 1 else "ok"] += 1
            if ids != [id_]:
                problems.append(f"{kind} {key}: acknowledged as {id_}, stored as {ids}")
        unacknowledged = set(stored) - set(acked)
        found["unacknowledged"] += len(unacknowledged)
        problems += [f"{kind} {key}: stored, never acknowledged" for key in unacknowledged]
    assert not problems, "writes lost, duplicated or unacknowledged:\n" + "\n".join(problems[:20])
    return {
        "writes_acknowledged": dict(counts),
        "writes_lost": found["lost"],
        "writes_duplicated": found["duplicated"],
    }


def check_histories(conn: psycopg.Connection) -> int:
    """Each task's status is where its audit history's chain of status changes ends."""
    chains: dict[int, list] = defaultdict(list)
    entries = conn.execute(
        "SELECT task_id, changes FROM audit_entries WHERE entity = 'task' ORDER BY task_id, id"
    )
    for task_id, changes in entries:
        if "status" in changes:
            chains[task_id].append(changes["status"])
    problems = []
    for task_id, status in conn.execute("SELECT id, status FROM tasks"):
        chain, last = chains.get(task_id, []), None
        for before, after in chain:
            if before != last:
                problems.append(f"task {task_id}: history jumps from {last} to {before}->{after}")
            last = after
        if last != status:
            problems.append(f"task {task_id}: status {status}, history ends at {last}")
    assert not problems, "status and history disagree:\n" + "\n".join(problems[:20])
    return len(chains)


def possible_sends(conn: psycopg.Connection) -> dict[str, int]:
    """Per mail key: how often the ledger says it may have gone out.

    Each attempt recorded as sent, plus each attempt claimed (counted) but never recorded:
    the worker died, or lost its database, after the server may have taken the mail. Rows
    only leave a mail (skipped at a retry), so its row with the most sends counts them all.
    """
    rows = conn.execute(
        "SELECT n.message_id, max(n.attempts - coalesce(a.recorded, 0) + coalesce(a.sent, 0))"
        " FROM notifications n LEFT JOIN ("
        "   SELECT notification_id, count(*) AS recorded,"
        "     count(*) FILTER (WHERE outcome = 'sent') AS sent"
        "   FROM notification_attempts GROUP BY notification_id) a ON a.notification_id = n.id"
        " WHERE n.channel = 'email' AND n.message_id IS NOT NULL GROUP BY n.message_id"
    )
    return {key_of(message_id): sends for message_id, sends in rows}


def check_ledger(conn: psycopg.Connection, received: Counter, allowed_repeats: int) -> dict:
    """Every e-mail row was sent (or skipped) and arrived once; a repeat only after a fault."""
    rows = conn.execute(
        "SELECT id, state, message_id, attempts FROM notifications WHERE channel = 'email'"
    ).fetchall()
    states = Counter(state for _id, state, _mid, _attempts in rows)
    unfinished = {s: n for s, n in states.items() if s not in ("sent", "skipped")}
    sent_keys = {key_of(mid) for _id, state, mid, _a in rows if state == "sent"}
    lost = sent_keys - set(received)
    assert not unfinished, f"ledger rows not delivered: {unfinished}"
    assert not lost, f"recorded as sent, never received: {sorted(lost)[:10]}"
    # A repeat is the mail again, or one whose rows were skipped at the retry (never recorded).
    extra = {key: n - (key in sent_keys) for key, n in received.items() if n - (key in sent_keys)}
    sends = possible_sends(conn)
    unexplained = {key: n for key, n in received.items() if n > sends.get(key, 0)}
    assert not unexplained, f"mails received more often than the ledger sent them: {unexplained}"
    repeats = sum(extra.values())
    assert repeats <= allowed_repeats, (
        f"{repeats} repeated mails; at most {allowed_repeats} (one in flight per fault) allowed"
    )
    return {
        "ledger_rows": len(rows),
        "rows_sent": states["sent"],
        "rows_skipped": states["skipped"],
        "rows_retried": sum(1 for _id, _s, _m, attempts in rows if attempts > 1),
        "mails_received": sum(received.values()),
        "distinct_mails": len(received),
        "repeated_mails": repeats,
        "reminders_undelivered": sum(unfinished.values()),
        "mails_lost": len(lost),
    }


RECOUNT = """
SELECT a.code,
  count(*) FILTER (WHERE gone) AS withdrawn,
  count(*) FILTER (WHERE NOT gone AND t.due_date IS NULL) AS regular,
  count(*) FILTER (WHERE NOT gone AND done AND t.completed_on <= t.due_date) AS done_on_time,
  count(*) FILTER (WHERE NOT gone AND done AND t.completed_on > t.due_date) AS done_late,
  count(*) FILTER (WHERE NOT gone AND NOT done AND t.due_date >= %(d)s) AS open_in_term,
  count(*) FILTER (WHERE NOT gone AND NOT done AND t.due_date < %(d)s) AS open_overdue
FROM (
  SELECT tasks.*,
    coalesce(cancelled_on <= %(d)s, FALSE) AS gone,
    coalesce(status = 'completed' AND accepted_on <= %(d)s, FALSE) AS done
  FROM tasks WHERE created_on <= %(d)s AND lead_agency_id IS NOT NULL
) t JOIN agencies a ON a.id = t.lead_agency_id
GROUP BY a.code
"""


def recount(conn: psycopg.Connection, as_of: dt.date) -> dict[str, dict[str, int]]:
    """The four buckets (and regular, withdrawn) per lead agency, counted from the task rows."""
    cursor = conn.execute(RECOUNT, {"d": as_of})
    names = [column.name for column in cursor.description]
    return {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in cursor}


def check_statistics(conn: psycopg.Connection, table: dict) -> int:
    """`/stats/agencies` equals the recount from raw rows, agency by agency and in total."""
    counted = recount(conn, dt.date.fromisoformat(table["as_of"]))
    served = {
        item["agency"]["code"]: {name: item[name] for name in BUCKETS} for item in table["items"]
    }
    assert served == counted, f"statistics {served} differ from the recount {counted}"
    totals = {name: sum(row[name] for row in counted.values()) for name in BUCKETS}
    assert {name: table["totals"][name] for name in BUCKETS} == totals
    return sum(totals.values())
