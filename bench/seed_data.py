"""Generate realistic directives, tasks and co-ordinators as plain row tuples, fast.

Rows carry dates as ISO strings and timestamps as naive-UTC strings, the forms SQLAlchemy stores on
SQLite and that PostgreSQL's COPY parses, so no per-value type processing is needed when loading.
Folded search keys are assembled from pre-folded pieces; they equal `tracker.text.fold` of the text.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import random
from collections.abc import Iterator, Sequence

from bench import vocab
from tracker.deadlines import DeadlineKind, describe, period_end
from tracker.text import fold

DIRECTIVE_COLUMNS = (
    "id", "number", "issued_year", "title", "kind", "issued_on", "issuer", "meeting", "summary",
    "source_text", "search_key", "created_by_id", "created_at", "updated_at",
)  # fmt: skip
TASK_COLUMNS = (
    "id", "directive_id", "parent_id", "clause", "title", "description", "lead_agency_id",
    "deadline_kind", "deadline_text", "due_date", "original_due_date", "status", "priority",
    "confidential", "completed_on", "accepted_on", "cancelled_on", "cancel_reason", "created_on",
    "created_at", "updated_at", "version", "search_key",
)  # fmt: skip
COORDINATOR_COLUMNS = ("task_id", "agency_id")

FIRST_DAY = dt.date(2016, 1, 1).toordinal()
NEW_BODIES = {
    "MAE": dt.date(2025, 3, 1),
    "MERA": dt.date(2025, 3, 1),
}  # created by the 2025 mergers
DEADLINE_KINDS = ("date", "month", "quarter", "half_year", "year", "regular")
DEADLINE_CUM = (40, 60, 75, 80, 90, 100)
PRIORITIES = ("normal", "high", "urgent")
PRIORITY_CUM = (78, 95, 100)
COORDINATOR_CUM = (35, 65, 85, 100)  # 0, 1, 2 or 3 co-ordinating agencies


@dataclasses.dataclass(frozen=True)
class SeedAgency:
    """What the generator needs to know about an agency."""

    id: int
    code: str
    name: str
    kind: str
    valid_until: dt.date | None


@dataclasses.dataclass
class Batch:
    """Rows to insert together, parents first."""

    directives: list[tuple] = dataclasses.field(default_factory=list)
    tasks: list[tuple] = dataclasses.field(default_factory=list)
    coordinators: list[tuple] = dataclasses.field(default_factory=list)

    def rows(self) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """Return the directive, task and co-ordinator rows, in insertion order."""
        return self.directives, self.tasks, self.coordinators


def generate(
    n_tasks: int,
    seed_value: int,
    today: dt.date,
    agencies: Sequence[SeedAgency],
    first_ids: tuple[int, int],
    taken: set[str],
    batch_tasks: int,
) -> Iterator[Batch]:
    """Yield the batches of a deterministic history of `n_tasks` tasks."""
    generator = Generator(random.Random(seed_value), today, agencies)
    return generator.batches(n_tasks, first_ids, taken, batch_tasks)


class AgencyPools:
    """Agencies that could be given tasks on a day, weighted so some lead far more than others."""

    def __init__(self, agencies: Sequence[SeedAgency]):
        self.agencies = list(agencies)
        ends = {a.valid_until.toordinal() + 1 for a in agencies if a.valid_until}
        starts = {day.toordinal() for day in NEW_BODIES.values()}
        self.breaks = sorted(ends | starts)
        self.folded = {a.id: fold(a.name) for a in agencies}
        self._cache: dict[int, tuple[list[SeedAgency], list[float]]] = {}

    def on(self, day: int) -> tuple[list[SeedAgency], list[float]]:
        """Return the agencies existing on a day (ordinal) and their cumulative weights."""
        era = bisect.bisect_right(self.breaks, day)
        if era not in self._cache:
            alive = [a for a in self.agencies if self._exists(a, dt.date.fromordinal(day))]
            weights, total = [], 0.0
            for agency in alive:
                total += vocab.BUSY_AGENCIES.get(agency.code, vocab.KIND_WEIGHTS[agency.kind])
                weights.append(total)
            self._cache[era] = (alive, weights)
        return self._cache[era]

    @staticmethod
    def _exists(agency: SeedAgency, day: dt.date) -> bool:
        """Return whether an agency existed on a day."""
        if agency.valid_until is not None and day > agency.valid_until:
            return False
        return day >= NEW_BODIES.get(agency.code, dt.date.min)


class Generator:
    """Deterministic generator of a history of directives and their tasks up to `today`."""

    def __init__(self, rng: random.Random, today: dt.date, agencies: Sequence[SeedAgency]):
        self.rng = rng
        self.today = today.toordinal()
        self.pools = AgencyPools(agencies)
        self._iso: dict[int, str] = {}
        self._bodies: dict[tuple, tuple[str, str]] = {}
        self._deadlines: dict[tuple, tuple] = {}
        self._folds: dict[str, str] = {}

    def iso(self, day: int | None) -> str | None:
        """Return the ISO form of a day ordinal (cached)."""
        if day is None:
            return None
        text = self._iso.get(day)
        if text is None:
            text = self._iso[day] = dt.date.fromordinal(day).isoformat()
        return text

    def between(self, low: int, high: int) -> int:
        """Return a random whole number from low to high inclusive (faster than randint)."""
        return low + int(self.rng.random() * (high - low + 1))

    def one(self, items: Sequence):
        """Return one item drawn uniformly (faster than choice)."""
        return items[int(self.rng.random() * len(items))]

    def folded(self, text: str) -> str:
        """Return `fold(text)` (cached: generated texts repeat)."""
        key = self._folds.get(text)
        if key is None:
            key = self._folds[text] = fold(text)
        return key

    def pick(self, items: Sequence, cum_weights: Sequence[float]):
        """Return one item drawn with cumulative weights (faster than choices)."""
        return items[bisect.bisect(cum_weights, self.rng.random() * cum_weights[-1])]

    def stamp(self, day: int) -> str:
        """Return a naive-UTC timestamp during office hours (08:00-17:00 in Vietnam) of a day."""
        minutes, second = divmod(3600 + int(self.rng.random() * 32400), 60)
        hour, minute = divmod(minutes, 60)
        return f"{self.iso(day)} {hour:02d}:{minute:02d}:{second:02d}.000000"

    def batches(
        self, n_tasks: int, first_ids: tuple[int, int], taken: set[str], batch_tasks: int
    ) -> Iterator[Batch]:
        """Yield batches of rows for `n_tasks` tasks spread over directives issued since 2016."""
        directive_id, task_id = first_ids
        batch = Batch()
        for number, series, issued, size in self.plan(n_tasks, taken):
            batch.directives.append(self.directive(directive_id, number, series, issued))
            for clause in range(1, size + 1):
                self.task(batch, task_id, directive_id, clause, issued)
                task_id += 1
            directive_id += 1
            if len(batch.tasks) >= batch_tasks:
                yield batch
                batch = Batch()
        if batch.directives:
            yield batch

    def plan(self, n_tasks: int, taken: set[str]) -> Iterator[tuple[str, str, int, int]]:
        """Yield (number, series, issued_on, task count) of each directive, oldest first."""
        rng, sizes, total = self.rng, [], 0
        while total < n_tasks:
            sizes.append(min(rng.randint(10, 20), n_tasks - total))
            total += sizes[-1]
        days = sorted(rng.randint(FIRST_DAY, self.today - 2) for _ in sizes)
        names = list(vocab.SERIES)
        weights = [vocab.SERIES[name][2] for name in names]
        counters = dict.fromkeys(names, 0)
        series_drawn = rng.choices(names, weights, k=len(sizes))
        for size, day, series in zip(sizes, days, series_drawn, strict=True):
            counters[series] += 1
            while f"{counters[series]}/{series}" in taken:
                counters[series] += 1
            yield f"{counters[series]}/{series}", series, day, size

    def directive(self, directive_id: int, number: str, series: str, issued: int) -> tuple:
        """Return a directive row."""
        rng = self.rng
        kind, issuer, _share = vocab.SERIES[series]
        topic, leader = rng.choice(vocab.TOPICS), rng.choice(vocab.LEADERS)
        day = dt.date.fromordinal(issued)
        title = vocab.TITLES[kind].format(leader=leader, topic=topic, day=day)
        meeting = None
        if kind == "conclusion_notice":
            met = dt.date.fromordinal(issued - rng.randint(2, 10))
            meeting = f"Cuộc họp về {topic} ngày {met.day}/{met.month}/{met.year}"
        summary = f"{leader} chỉ đạo về {topic}; giao nhiệm vụ cho các bộ, ngành, địa phương."
        stamp = self.stamp(issued)
        key = f"{fold(number)} {self.folded(title)} {self.folded(summary)}"
        return (
            directive_id, number, day.year, title, kind, self.iso(issued), issuer, meeting,
            summary, None, key, None, stamp, stamp,
        )  # fmt: skip

    def task(self, batch: Batch, task_id: int, directive_id: int, clause: int, issued: int) -> None:
        """Append one task row, and its co-ordinator rows, to a batch."""
        rng = self.rng
        created = min(issued + self.between(0, 5), self.today)
        alive, weights = self.pools.on(created)
        lead = self.pick(alive, weights)
        coordinators = self._coordinators(alive, weights, lead)
        kind = self.pick(DEADLINE_KINDS, DEADLINE_CUM)
        due = None
        if kind != "regular":
            target = created + 14 + min(int(rng.expovariate(1 / 120)), 900)
            due = period_end(DeadlineKind(kind), dt.date.fromordinal(target)).toordinal()
        status, completed, accepted, cancelled = self.life(created, due)
        body, fbody = self._body(issued)
        text, phrase, fphrase = self._deadline(kind, due)
        names = ", ".join(a.name for a in coordinators)
        fnames = ", ".join(self.pools.folded[a.id] for a in coordinators)
        with_ = f", phối hợp với {names}" if coordinators else ""
        fwith = f", phoi hop voi {fnames}" if coordinators else ""
        description = f"{lead.name} chủ trì{with_} {body[0].lower()}{body[1:]}; {phrase}."
        key = f"{fbody} {self.pools.folded[lead.id]} chu tri{fwith} {fbody}; {fphrase}."
        last = max(d for d in (created, accepted, cancelled) if d is not None)
        created_at = self.stamp(created)
        batch.tasks.append((
            task_id, directive_id, None, f"3.{clause}", body, description, lead.id, kind, text,
            self.iso(due), self.iso(due), status,
            self.pick(PRIORITIES, PRIORITY_CUM), rng.random() < 0.02,
            self.iso(completed), self.iso(accepted), self.iso(cancelled),
            self.one(vocab.CANCEL_REASONS) if cancelled else None, self.iso(created),
            created_at, created_at if last == created else self.stamp(last), 1, key,
        ))  # fmt: skip
        batch.coordinators.extend((task_id, a.id) for a in coordinators)

    def life(self, created: int, due: int | None) -> tuple[str, int | None, int | None, int | None]:
        """Return (status, completed_on, accepted_on, cancelled_on) as of today."""
        rng, age = self.rng, self.today - created
        if age >= 14 and rng.random() < 0.05:
            return "cancelled", None, None, created + self.between(7, min(age, 400))
        if due is None:
            return ("assigned" if age < 30 else "in_progress"), None, None, None
        span, draw = max(due - created, 7), rng.random()
        finish = None
        if draw < 0.62:
            finish = created + int(span * rng.uniform(0.3, 1.0))
        elif draw < 0.95:
            finish = due + 1 + int(span * rng.uniform(0.02, 0.8))
        accepted = finish + self.between(2, 20) if finish is not None else None
        if accepted is not None and accepted <= self.today:
            return "completed", finish, accepted, None
        if finish is not None and finish <= self.today:
            return "submitted", None, None, None
        return ("in_progress" if age > 15 and rng.random() < 0.85 else "assigned"), None, None, None

    def _coordinators(self, alive, weights, lead) -> list[SeedAgency]:
        """Pick 0-3 co-ordinating agencies other than the lead."""
        count = bisect.bisect_right(COORDINATOR_CUM, self.rng.random() * 100)
        if not count:
            return []
        picked = {a.id: a for a in (self.pick(alive, weights) for _ in range(count + 1))}
        picked.pop(lead.id, None)
        return sorted(picked.values(), key=lambda a: a.code)[:count]

    def _body(self, issued: int) -> tuple[str, str]:
        """Return a task title (verb, object, scope) and its folded form (cached)."""
        rng = self.rng
        if rng.random() < 0.5:
            verb, obj = self.one(vocab.DOCUMENT_VERBS), self.one(vocab.DOCUMENTS)
        else:
            verb, obj = self.one(vocab.ACTION_VERBS), self.one(vocab.ACTIONS)
        scope = self.one(vocab.SCOPES)
        if rng.random() < 0.2:
            scope = f" năm {dt.date.fromordinal(issued).year}"
        cache_key = (verb, obj, scope)
        found = self._bodies.get(cache_key)
        if found is None:
            title = f"{verb} {obj}{scope}"
            found = self._bodies[cache_key] = (title, fold(title))
        return found

    def _deadline(self, kind: str, due: int | None) -> tuple[str, str, str]:
        """Return the deadline text, its phrase in a description and the folded phrase (cached)."""
        found = self._deadlines.get((kind, due))
        if found is None:
            day = dt.date.fromordinal(due) if due is not None else None
            text = describe(DeadlineKind(kind), day)
            if kind == "regular":
                phrase = "thực hiện thường xuyên"
            else:
                lowered = text[0].lower() + text[1:]
                phrase = "hoàn thành " + ("trong " if text[0].isdigit() else "") + lowered
            found = self._deadlines[(kind, due)] = (text, phrase, fold(phrase))
        return found
