"""Propose the tasks of a conclusion notice from its text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from tracker.agencies.data import load_agency_records
from tracker.deadlines import DeadlineKind
from tracker.errors import InvalidInput
from tracker.textimport.agencies import AgencyMatcher, Mention, matcher_for
from tracker.textimport.clauses import Line, split_document, split_sentences, strip_marker
from tracker.textimport.deadlines import Deadline, find_deadline
from tracker.textimport.lexicon import CONNECTOR_RE, VERB_RE
from tracker.textimport.normalise import fold, is_mostly_lowercase, junk_ratio
from tracker.textimport.subjects import Roles, analyse
from tracker.textimport.titles import make_title

MAX_TEXT_CHARS = 200_000
MAX_JUNK_RATIO = 0.1
MIN_YEAR, MAX_YEAR = 1945, 2200
PLAIN_HEADING_LEVEL = 3.5  # "a)" items close an unnumbered heading, "-" bullets stay under it
_INTRO_RE = re.compile(r"(?:ve|doi voi)\s[^:;.]{1,80}:\s*")
_CLOSING_RE = re.compile(r"(?:theo doi\s*,?\s*don doc|thong bao)\b")
_STRONG_RE = re.compile(
    r"(?:cung\s+)?(?:chu tri|co trach nhiem|chiu trach nhiem|duoc giao|duoc yeu cau|khan truong)"
)
_DEADLINE_NOTE_RE = re.compile(
    r"(?:thoi han|thoi gian hoan thanh|han hoan thanh|hoan thanh|tien do)\b"
)
_NOTE_WORDS_RE = re.compile(
    r"\b(?:thoi han|thoi gian|hoan thanh|han|tien do|truoc|trong|cham nhat|la|xong|thuc hien)\b|\W+"
)


@dataclass(frozen=True)
class ProposedTask:
    """A task proposed from one clause of a notice, for a clerk to correct and confirm."""

    source: str
    title: str
    lead_agency: str | None
    coordinating_agencies: tuple[str, ...]
    group: str | None
    deadline_kind: str
    due_date: dt.date | None
    deadline_text: str | None
    confidence: float

    def to_dict(self) -> dict:
        """Return the task as JSON-ready data."""
        return {
            "source": self.source,
            "title": self.title,
            "lead_agency": self.lead_agency,
            "coordinating_agencies": list(self.coordinating_agencies),
            "group": self.group,
            "deadline_kind": self.deadline_kind,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "deadline_text": self.deadline_text,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class _Assignee:
    """Who a clause or heading assigns: lead agencies and/or a group, and their helpers."""

    leads: tuple[str, ...] = ()
    group: str | None = None
    coordinating: tuple[str, ...] = ()
    deadline: Deadline | None = None
    bare: bool = True  # a heading naming only the agency ("Bộ Xây dựng:")


@dataclass
class _Scope:
    """A heading and the lines under it."""

    level: float
    assignee: _Assignee | None
    text: str = ""
    roles: Roles | None = None
    plain: bool = False  # no clause number: a sibling of the next unnumbered heading
    pending: bool = False  # the heading states a task that its lines may only detail
    produced: bool = False
    lines: list[str] = field(default_factory=list)


def parse_directive_text(
    text: str, issued_on: dt.date, agencies: Sequence[Mapping] | None = None
) -> list[ProposedTask]:
    """Return the tasks a notice issued on a day assigns, in the order of the text."""
    _check(text, issued_on)
    day = issued_on.date() if isinstance(issued_on, dt.datetime) else issued_on
    matcher = matcher_for(load_agency_records() if agencies is None else agencies)
    lowercase = is_mostly_lowercase(text)
    return _Reader(matcher, day, lowercase).read(split_document(text, lowercase))


def _check(text: object, issued_on: object) -> None:
    """Refuse input that cannot be a notice."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("The text is empty.", field="text")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(f"The text is longer than {MAX_TEXT_CHARS} characters.", field="text")
    if junk_ratio(text) > MAX_JUNK_RATIO:
        raise InvalidInput("The text looks like binary data, not a notice.", field="text")
    if not isinstance(issued_on, dt.date):
        raise InvalidInput("The notice's date is not a date.", field="issued_on")
    if not MIN_YEAR <= issued_on.year <= MAX_YEAR:
        raise InvalidInput(
            f"The notice's date must fall between {MIN_YEAR} and {MAX_YEAR}.", field="issued_on"
        )


class _Reader:
    """Reads a notice line by line, keeping the headings in force and the subject carried."""

    def __init__(self, matcher: AgencyMatcher, issued_on: dt.date, relaxed: bool):
        self.matcher, self.on, self.relaxed = matcher, issued_on, relaxed
        self.scopes: list[_Scope] = []
        self.last: _Assignee | None = None
        self.tasks: list[ProposedTask] = []

    def _find(self, text: str) -> list[Mention]:
        """Return the agencies and groups a piece of the notice names."""
        return self.matcher.find(text, self.on, self.relaxed)

    def read(self, lines: list[Line]) -> list[ProposedTask]:
        """Return the tasks of the lines of a notice."""
        for line in lines:
            self._line(line)
        self._close(float("-inf"))
        return self.tasks

    def _line(self, line: Line) -> None:
        """Read one line: a heading opens a scope, other lines may state tasks."""
        level = line.level if line.level is not None else self._plain_level()
        if line.level is not None or line.heading:
            self._close(level)
        if line.numbered or line.heading:
            self.last = None
        if line.heading:
            self._open(line.text, level, plain=line.level is None)
        else:
            self._content(line)

    def _plain_level(self) -> float:
        """Return the depth of an unnumbered heading: below lettered items, above bullets."""
        numbered = [s.level for s in self.scopes if not s.plain]
        return max(PLAIN_HEADING_LEVEL, numbered[-1] + 0.5 if numbered else 0)

    def _open(self, text: str, level: float, plain: bool) -> None:
        """Open the scope of a heading, with the agency it names if any."""
        roles = analyse(text, self._find(text))
        scope = _Scope(level, None, text, roles, plain)
        if roles.has_subject and not roles.past and not _is_letterhead(text):
            predicate = fold(text[roles.predicate_start :]).strip(" :")
            deadline = find_deadline(text, self.on)
            scope.assignee = _Assignee(
                roles.leads, roles.group, roles.coordinating, deadline, not predicate
            )
            scope.pending = bool(VERB_RE.match(predicate))
        self.scopes.append(scope)

    def _close(self, level: float) -> None:
        """Close the scopes at or below a level; a heading whose lines gave no task is one."""
        while self.scopes and self.scopes[-1].level >= level:
            scope = self.scopes.pop()
            if scope.pending and not scope.produced and scope.roles:
                source = " ".join([scope.text, *scope.lines])
                assignee = replace(scope.assignee, deadline=find_deadline(source, self.on))
                self._emit(scope.text, assignee, scope.roles, assignee.deadline, 0.75, source)

    def _heading(self) -> _Assignee | None:
        """Return the assignee of the nearest heading that names one."""
        return next((s.assignee for s in reversed(self.scopes) if s.assignee), None)

    def _content(self, line: Line) -> None:
        """Read the sentences of a line that is not a heading."""
        if self.scopes:
            self.scopes[-1].lines.append(line.text)
        heading, sentences = self._inline_heading(line)
        for index, sentence in enumerate(sentences):
            for number, piece in enumerate(self._pieces(sentence)):
                first = index == 0 and number == 0
                self._piece(piece, heading, first, sibling=first and line.level is not None)

    def _inline_heading(self, line: Line) -> tuple[_Assignee | None, tuple[str, ...]]:
        """Split "Bộ Xây dựng: chủ trì ..." into its heading and its sentences."""
        head, colon, rest = line.text.partition(":")
        if colon and rest.strip() and len(head.split()) <= 12:
            roles = analyse(head, self._find(head))
            if roles.has_subject and not head[roles.predicate_start :].strip():
                sentences = tuple(split_sentences(rest.strip(), self.relaxed))
                return _Assignee(roles.leads, roles.group, roles.coordinating), sentences
        return self._heading(), line.sentences

    def _pieces(self, sentence: str) -> list[str]:
        """Split a sentence at semicolons that start a new subject or a connector."""
        pieces: list[str] = []
        for fragment in strip_marker(sentence)[0].split(";"):
            if pieces and fragment.strip() and not self._starts_anew(fragment):
                pieces[-1] = f"{pieces[-1]};{fragment}"
            elif fragment.strip() or not pieces:
                pieces.append(fragment)
        return [p.strip() for p in pieces if p.strip()]

    def _starts_anew(self, fragment: str) -> bool:
        """Tell whether a fragment after a semicolon names its own subject or carries one."""
        if CONNECTOR_RE.match(fold(fragment).strip()):
            return True
        roles = analyse(fragment, self._find(fragment))
        return roles.has_subject and not roles.past

    def _piece(self, text: str, heading: _Assignee | None, first: bool, sibling: bool) -> None:
        """Read one clause: it has a subject, carries one, sets a deadline, or assigns nothing."""
        roles = analyse(text, self._find(text))
        deadline = find_deadline(text, self.on)
        folded = fold(text)
        if roles.has_subject:
            self._explicit(text, folded, roles, deadline)
            return
        start = _opening_end(folded)
        if _is_deadline_note(folded[start:], deadline) and self._attach(deadline):
            return
        if VERB_RE.match(folded[start:]) or (first and heading and heading.bare):
            carried = self._carried(folded, heading, first, sibling)
            if carried:
                coords = roles.coordinating + (carried.coordinating if carried is heading else ())
                assignee = replace(carried, coordinating=tuple(dict.fromkeys(coords)))
                self.last = carried
                score = 0.8 if carried is heading else 0.7
                self._emit(text, assignee, replace(roles, predicate_start=start), deadline, score)

    def _carried(
        self, folded: str, heading: _Assignee | None, first: bool, sibling: bool
    ) -> _Assignee | None:
        """Return whom a clause without subject concerns: its heading's or the last subject."""
        if CONNECTOR_RE.match(folded):
            return self.last or heading  # "Đồng thời, ..." continues the previous clause
        if sibling:
            return heading  # a bullet does not inherit the subject of the bullet above
        return (heading if first else None) or self.last or heading

    def _explicit(self, text: str, folded: str, roles: Roles, deadline: Deadline | None) -> None:
        """Propose the tasks of a clause that names its subject."""
        predicate = folded[roles.predicate_start :].strip(" :.;")
        if (
            roles.past
            or not predicate
            or (roles.leads == ("OOG",) and _CLOSING_RE.match(predicate) and not deadline)
        ):
            return
        assignee = _Assignee(roles.leads, roles.group, roles.coordinating)
        self.last = assignee
        strong = roles.directive or _STRONG_RE.match(predicate)
        self._emit(text, assignee, roles, deadline, 0.9 if strong else 0.8)

    def _attach(self, deadline: Deadline | None) -> bool:
        """Give a deadline stated on its own ("Thời hạn: ...") to the task before it."""
        if not deadline or not self.tasks or self.tasks[-1].deadline_kind != DeadlineKind.NONE:
            return False
        self.tasks[-1] = replace(self.tasks[-1], **_deadline_fields(deadline))
        return True

    def _emit(
        self,
        text: str,
        assignee: _Assignee,
        roles: Roles,
        deadline: Deadline | None,
        score: float,
        source: str | None = None,
    ) -> None:
        """Add one task per lead agency, and one for the group, of a clause."""
        deadline = deadline or assignee.deadline
        title = make_title(text, roles.predicate_start, roles.coord_spans, deadline)
        targets = [(lead, None) for lead in assignee.leads]
        if assignee.group or not targets:
            targets.append((None, assignee.group))
        for lead, group in targets:
            task = ProposedTask(
                source=(source or text).strip(),
                title=title,
                lead_agency=lead,
                coordinating_agencies=tuple(c for c in assignee.coordinating if c != lead),
                group=group,
                confidence=_confidence(score, lead or group, len(targets), deadline),
                **_deadline_fields(deadline),
            )
            self.tasks.append(task)
        for scope in self.scopes:
            scope.produced = True


def _is_letterhead(text: str) -> bool:
    """Tell a letterhead or title in capitals ("VĂN PHÒNG CHÍNH PHỦ") from an agency heading."""
    return ":" not in text and text == text.upper()


def _deadline_fields(deadline: Deadline | None) -> dict:
    """Return the deadline fields of a proposed task."""
    if deadline is None:
        return {"deadline_kind": DeadlineKind.NONE.value, "due_date": None, "deadline_text": None}
    return {
        "deadline_kind": deadline.kind.value,
        "due_date": deadline.due_date,
        "deadline_text": deadline.text,
    }


def _opening_end(folded: str) -> int:
    """Return where a clause's own words start, past connectors and a "Về ...:" lead-in."""
    position, previous = len(folded) - len(folded.lstrip()), -1
    while position != previous:
        previous = position
        for pattern in (CONNECTOR_RE, _INTRO_RE):
            match = pattern.match(folded, position)
            if match and match.end() > position:
                position = match.end()
    return position


def _is_deadline_note(folded: str, deadline: Deadline | None) -> bool:
    """Tell whether a clause only states a deadline ("Thời hạn hoàn thành: quý III/2024")."""
    if deadline is None or not _DEADLINE_NOTE_RE.match(folded):
        return False
    return not _NOTE_WORDS_RE.sub("", folded.replace(fold(deadline.text), "")).strip()


def _confidence(
    score: float, assigned: str | None, targets: int, deadline: Deadline | None
) -> float:
    """Return how sure the proposal is, from how the subject and deadline were found."""
    if not assigned:
        score -= 0.45
    if targets > 1:
        score -= 0.05
    if deadline is None:
        score -= 0.05
    return round(min(max(score, 0.05), 0.99), 2)
