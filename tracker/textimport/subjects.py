"""Tell the role of each agency a clause names: its subject (lead), co-ordinating, or neither."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.textimport.agencies import Mention
from tracker.textimport.groups import ALL, MINISTRIES, PROVINCES, VAGUE
from tracker.textimport.lexicon import CONNECTOR_RE, TITLE_RE, VERB_RE
from tracker.textimport.normalise import fold

_GAP_RE = re.compile(rf"[\s,&\-–]*(?:(?:va|hoac)\b\s*)?(?:{TITLE_RE}[\s,]*)*")
_HEADS_RE = re.compile(
    rf"(?:\bcac\s+(?:tinh|thanh pho|tinh\s*,\s*thanh pho)(?:\s+truc thuoc\s+trung uong)?|\bcac|"
    rf"\b(?:uy ban nhan dan|ubnd)|{TITLE_RE})[\s,:]*$"
)
_COORD_TAIL_RE = re.compile(
    r"(?:\bphoi hop(?:\s+chat che)?(?:\s+(?:voi|cung))?|\bsu phoi hop cua|\bsu tham gia cua|"
    r"\bcung voi|\bcung)\s*:?\s*$"
)
# Co-ordination stated before the subject: "Với sự phối hợp của Bộ Tư pháp, Bộ Y tế ...".
_COORD_INTRO_RE = re.compile(r"\b(?:su phoi hop cua|su tham gia cua|cung voi)\s*:?\s*$")
_DIRECTIVE_TAIL_RE = re.compile(
    r"(?:(?<!ban )(?<!chuyen )\bgiao(?:\s+(?:cho|nhiem vu cho|trach nhiem cho))?|\byeu cau|"
    r"\bde nghi|\bdoi voi|\bve phia|\brieng|\bdac biet la)\s*[:,]?\s*$"
)
_LEADER_DIRECTS_RE = re.compile(r"\b(?:thu tuong|chinh phu|lanh dao)\b[^,;]*\bchi dao\s*$")
_PAST_DIRECTIVE_RE = re.compile(r"\bda\s+(?:giao|yeu cau|de nghi|chi dao)\b")
_SKIP_RE = re.compile(
    r"(?:[\s,]+|\([^()]{0,120}\)|theo\s+(?:chuc nang(?:\s*,\s*nhiem vu)?(?:\s+va\s+tham quyen)?|"
    r"tham quyen|nhiem vu)(?:\s+(?:duoc giao|cua minh|quan ly nha nuoc))?\s*,?)"
)
_PAST_RE = re.compile(
    r"(?:(?:cung|van|thoi gian qua|trong thoi gian qua)\s*,?\s*)?(?:da|vua|dang|tung)\b"
)
_BAD_RIGHT_RE = re.compile(
    r"(?:cua|ve|tai|voi|do|cho|thi|nhu|nham|den|tu|ngay|so|va|hoac|ma|nay|danh gia cao|ghi nhan|"
    r"bieu duong|thong bao)\b|[.;)]"
)
_HEARD_RE = re.compile(r"\bnghe\s*$")  # "Sau khi nghe Bộ A, Bộ B báo cáo": they reported
_SIDE_VERB_RE = re.compile(r"phoi hop\b(?!\s+(?:voi|cung)\b)")


@dataclass
class _List:
    """Agencies named one after the other ("Bộ Tài chính, Bộ Tư pháp và ...")."""

    items: list[Mention]
    start: int
    end: int


@dataclass(frozen=True)
class Roles:
    """The subject and co-ordinating agencies of a clause."""

    leads: tuple[str, ...] = ()
    group: str | None = None
    vague: bool = False  # a subject without members: "các bộ, ngành liên quan"
    coordinating: tuple[str, ...] = ()
    coord_spans: tuple[tuple[int, int], ...] = ()
    predicate_start: int = 0
    directive: bool = False  # introduced by "giao", "yêu cầu", "đề nghị"
    past: bool = False  # reports what was done ("Bộ Công an đã chủ trì ...")

    @property
    def has_subject(self) -> bool:
        """Tell whether the clause names who must act."""
        return bool(self.leads or self.group or self.vague)


@dataclass
class _State:
    subject: list[Mention] | None = None
    subject_end: int = 0
    directive: bool = False
    past: bool = False
    coords: list[Mention] = field(default_factory=list)
    coord_spans: list[tuple[int, int]] = field(default_factory=list)


def analyse(text: str, mentions: list[Mention]) -> Roles:
    """Return who must act in a clause and who helps, from the agencies it names."""
    folded = fold(text)
    state, previous_end, previous_role = _State(), 0, None
    for index, named in enumerate(_lists(folded, mentions)):
        left = folded[previous_end : named.start]
        if state.subject is None:
            previous_role = _before_subject(folded, named, left, index == 0, state)
        else:
            previous_role = _after_subject(folded, named, left, previous_role, state)
        previous_end = named.end
    return _roles(folded, state)


def _lists(folded: str, mentions: list[Mention]) -> list[_List]:
    """Group mentions separated only by commas, "và" or titles."""
    lists: list[_List] = []
    for mention in mentions:
        if lists and _GAP_RE.fullmatch(folded[lists[-1].end : mention.start]):
            lists[-1].items.append(mention)
            lists[-1].end = mention.end
        else:
            lists.append(_List([mention], mention.start, mention.end))
    return lists


def _tail(left: str) -> str:
    """Strip the titles and list heads that precede names ("Chủ tịch", "các tỉnh:")."""
    previous = None
    while previous != left:
        previous, left = left, _HEADS_RE.sub("", left)
    return left


def _before_subject(folded: str, named: _List, left: str, first: bool, state: _State) -> str:
    """Decide the role of a list met before any subject; record the subject if it is one."""
    tail = _tail(left)
    if _COORD_TAIL_RE.search(tail):
        if _COORD_INTRO_RE.search(tail):
            _split_off_subject(folded, named, state, coordinating=True)
        else:
            _add_coordinating(state, named)
        return "coord"
    if _DIRECTIVE_TAIL_RE.search(tail) or _LEADER_DIRECTS_RE.search(tail):
        _set_subject(state, named.items, named.end, directive=True)
        state.past = bool(_PAST_DIRECTIVE_RE.search(left))
        return "subject"
    core = _opening(tail) if first else tail.rstrip()
    right = _right(folded, named.end)
    opens = (not core or core.endswith((",", ":"))) and not _BAD_RIGHT_RE.match(right)
    if opens and (first or VERB_RE.match(right)):
        _set_subject(state, named.items, named.end)
        state.past = bool(_PAST_RE.match(right))
        return "subject"
    if not _HEARD_RE.search(tail):
        _split_off_subject(folded, named, state, coordinating=False)
    return "subject" if state.subject else "other"


def _after_subject(
    folded: str, named: _List, left: str, previous: str | None, state: _State
) -> str:
    """Decide the role of a list met after the subject: co-ordinating or neither."""
    tail = _tail(left)
    continues = previous == "coord" and len(left.split()) <= 5 and not VERB_RE.search(left)
    side = tail.rstrip().endswith(",") and _SIDE_VERB_RE.match(_right(folded, named.end))
    if _COORD_TAIL_RE.search(tail) or continues or side:
        _add_coordinating(state, named)
        return "coord"
    return "other"


def _add_coordinating(state: _State, named: _List) -> None:
    """Record a list of co-ordinating agencies."""
    state.coords.extend(named.items)
    state.coord_spans.append((named.start, named.end))


def _split_off_subject(folded: str, named: _List, state: _State, coordinating: bool) -> None:
    """Take the names after a list's last comma as the subject when a verb follows them."""
    right = _right(folded, named.end)
    cut = 0
    if VERB_RE.match(right) and not _PAST_RE.match(right):
        for index in range(len(named.items) - 1, 0, -1):
            if "," in folded[named.items[index - 1].end : named.items[index].start]:
                cut = index
                break
    if coordinating:
        state.coords.extend(named.items[: cut or len(named.items)])
        state.coord_spans.append((named.start, named.items[cut - 1].end if cut else named.end))
    if cut:
        _set_subject(state, named.items[cut:], named.end)


def _set_subject(state: _State, items: list[Mention], end: int, directive: bool = False) -> None:
    """Record the subject of the clause."""
    state.subject, state.subject_end, state.directive = list(items), end, directive


def _opening(left: str) -> str:
    """Strip the connectors that open a clause ("Đồng thời,", "Bên cạnh đó,")."""
    previous = None
    left = left.strip()
    while previous != left:
        previous = left
        match = CONNECTOR_RE.match(left)
        left = left[match.end() :].strip() if match else left
    return left


def _right(folded: str, position: int) -> str:
    """Return the words after a position, past commas, brackets and "theo chức năng"."""
    start = skip_to_predicate(folded, position)
    return folded[start : start + 120]


def skip_to_predicate(folded: str, position: int) -> int:
    """Return where the predicate starts after a subject ending at a position."""
    while match := _SKIP_RE.match(folded, position):
        if match.end() == position:
            break
        position = match.end()
    return position


def _roles(folded: str, state: _State) -> Roles:
    """Turn the parse state into Roles."""
    subject = state.subject or []
    leads = _codes(subject)
    kinds = {m.group for m in subject if m.group and m.group != VAGUE}
    coordinating = tuple(c for c in _codes(state.coords) if c not in leads)
    return Roles(
        leads=leads,
        group=_merge_groups(kinds),
        vague=bool(subject) and not leads and not kinds,
        coordinating=coordinating,
        coord_spans=tuple(state.coord_spans),
        predicate_start=skip_to_predicate(folded, state.subject_end) if subject else 0,
        directive=state.directive,
        past=state.past,
    )


def _codes(mentions: list[Mention]) -> tuple[str, ...]:
    """Return the distinct agency codes of mentions, in order."""
    return tuple(dict.fromkeys(m.code for m in mentions if m.code))


def _merge_groups(kinds: set[str]) -> str | None:
    """Combine group kinds: ministries and provinces together are everyone."""
    if not kinds:
        return None
    if ALL in kinds or {MINISTRIES, PROVINCES} <= kinds:
        return ALL
    return next(iter(kinds))
