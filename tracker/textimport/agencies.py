"""Find the agencies a text names, tolerant of diacritics and spelling variants, as of a date."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from tracker.textimport.groups import find_groups
from tracker.textimport.normalise import fold

_TOKEN = re.compile(r"[^\W_]+")
# Heads whose capitalisation varies in practice ("bộ Tài chính", "tỉnh Long An").
_FREE_HEADS = frozenset({"bộ", "ủy", "uỷ", "ubnd", "ub", "tỉnh", "thành", "tp", "thủ"})
_PROVINCE_PREFIX = re.compile(r"^(?:tỉnh|thành phố|tp\.?)\s+", re.IGNORECASE)
_LIST_TRIGGER = re.compile(r"\bcac\s+bo\b(?:\s*,\s*(?:co quan(?:\s+ngang\s+bo)?|nganh))*\s*:?\s*")
_LIST_SEP = re.compile(r"\s*(?:,|\bva\b)\s*")


@dataclass(frozen=True)
class Mention:
    """An agency (code) or a group of agencies named at [start, end) of a text."""

    start: int
    end: int
    code: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class _Alias:
    """One written form of an agency: the codes it names and the letters that must be capitals."""

    codes: tuple[str, ...]
    capitals: tuple[int, ...]


class _Stream:
    """The words of a text run together ("Bộ TT&TT" -> "botttt"), mapped back to the text."""

    def __init__(self, text: str):
        self.text = text
        self.folded = fold(text)
        parts, self.pos, self.starts, self.ends, self.spans = [], [], [], [], []
        length = 0
        for match in _TOKEN.finditer(self.folded):
            self.starts.append(length)
            parts.append(match.group())
            self.pos.extend(range(match.start(), match.end()))
            length += match.end() - match.start()
            self.ends.append(length)
            self.spans.append(match.span())
        self.compact = "".join(parts)
        self.token_at = {span[0]: index for index, span in enumerate(self.spans)}


def _alias_key(written: str) -> tuple[str, tuple[int, ...]]:
    """Return the run-together key of a written form and the key positions that must be capitals."""
    tokens = _TOKEN.findall(written)
    if not tokens:
        return "", ()
    free = tokens[0].lower() in _FREE_HEADS
    capitals, offset = [], 0
    for token in tokens:
        if len(token) >= 2 and token.isupper() and token.lower() != "tp":
            capitals.extend(range(offset, offset + len(token)))
        elif not free and token[0].isupper():
            capitals.append(offset)
        offset += len(token)
    return fold("".join(tokens)), tuple(capitals)


def _parse_day(value: object) -> dt.date | None:
    """Read a registry date, which may be a date or an ISO string."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _province_forms(record: Mapping) -> list[str]:
    """Return the usual ways of writing a province's people's committee."""
    core = _PROVINCE_PREFIX.sub("", str(record.get("short_name") or ""))
    if not core:
        return []
    heads = ("Ủy ban nhân dân", "UBND", "")
    kinds = ("tỉnh", "thành phố", "TP")
    return [core] + [f"{head} {kind} {core}".strip() for head in heads for kind in kinds]


def _written_forms(record: Mapping) -> list[str]:
    """Return every written form of an agency found in its record."""
    forms = [record.get("name"), record.get("short_name")]
    abbreviations = record.get("abbreviations")
    if isinstance(abbreviations, (list, tuple)):
        forms.extend(abbreviations)
    if record.get("kind") == "province":
        forms.extend(_province_forms(record))
    return [form for form in forms if isinstance(form, str) and form.strip()]


class _Table:
    """Written forms keyed by their run-together form, with every prefix for early stops."""

    def __init__(self):
        self.aliases: dict[str, list[_Alias]] = defaultdict(list)
        self.prefixes: set[str] = set()

    def add(self, written: str, code: str) -> None:
        """Register one written form of an agency."""
        key, capitals = _alias_key(written)
        if len(key) < 2:
            return
        for alias in self.aliases[key]:
            if alias.capitals == capitals:
                if code not in alias.codes:
                    self.aliases[key].remove(alias)
                    self.aliases[key].append(_Alias((*alias.codes, code), capitals))
                return
        self.aliases[key].append(_Alias((code,), capitals))
        self.prefixes.update(key[:i] for i in range(1, len(key) + 1))

    def match(
        self, stream: _Stream, index: int, relaxed: bool
    ) -> tuple[int, tuple[str, ...]] | None:
        """Return the last token and codes of the longest written form starting at a token."""
        start, best = stream.starts[index], None
        for last in range(index, len(stream.starts)):
            key = stream.compact[start : stream.ends[last]]
            if key not in self.prefixes:
                break
            codes = self._codes(stream, start, key, relaxed)
            if codes:
                best = (last, codes)
        return best

    def _codes(self, stream: _Stream, start: int, key: str, relaxed: bool) -> tuple[str, ...]:
        """Return the codes of the forms with this key whose capitals the text respects."""
        codes: list[str] = []
        for alias in self.aliases.get(key, ()):
            if relaxed or all(stream.text[stream.pos[start + i]].isupper() for i in alias.capitals):
                codes.extend(c for c in alias.codes if c not in codes)
        return tuple(codes)


class AgencyMatcher:
    """Finds agency names (full, short, abbreviated, historical) and groups in a text."""

    def __init__(self, records: Sequence[Mapping]):
        self._successor: dict[str, str] = {}
        self._valid_until: dict[str, dt.date] = {}
        self._names = _Table()
        self._bare = _Table()  # "Tài chính" in "các Bộ: Tài chính, Tư pháp"
        for record in records:
            self._add(record)

    def _add(self, record: Mapping) -> None:
        """Register one registry record."""
        code = record.get("code")
        if not isinstance(code, str) or not code:
            return
        if isinstance(record.get("successor"), str):
            self._successor[code] = record["successor"]
        if until := _parse_day(record.get("valid_until")):
            self._valid_until[code] = until
        for written in _written_forms(record):
            self._names.add(written, code)
            if record.get("kind") == "ministry" and written.startswith("Bộ "):
                self._bare.add(written[3:], code)

    def resolve(self, codes: Sequence[str], on: dt.date) -> str:
        """Return the agency that holds the tasks of these codes on a day (successors followed)."""
        code = min(codes, key=lambda c: self._valid_until.get(c, dt.date.max) < on)
        seen = {code}
        while self._valid_until.get(code, dt.date.max) < on and code in self._successor:
            code = self._successor[code]
            if code in seen:
                break
            seen.add(code)
        return code

    def find(self, text: str, on: dt.date, relaxed: bool = False) -> list[Mention]:
        """Return the agencies and groups a text names, resolved as of a day; relaxed: no case."""
        stream = _Stream(text)
        found = self._scan(stream, relaxed)
        found.update(self._listed(stream, found, relaxed))
        mentions = [
            Mention(stream.spans[i][0], stream.spans[last][1], self.resolve(codes, on))
            for i, (last, codes) in found.items()
        ]
        mentions.extend(_groups_outside(stream.folded, mentions))
        return sorted(mentions, key=lambda m: m.start)

    def _scan(self, stream: _Stream, relaxed: bool) -> dict[int, tuple[int, tuple[str, ...]]]:
        """Match full names left to right, longest first: first token -> (last token, codes)."""
        found, index = {}, 0
        while index < len(stream.starts):
            hit = self._names.match(stream, index, relaxed)
            if hit:
                found[index] = hit
                index = hit[0] + 1
            else:
                index += 1
        return found

    def _listed(self, stream: _Stream, found: dict, relaxed: bool) -> dict:
        """Match ministries listed without "Bộ" after "các Bộ:" ("các Bộ: Tài chính, Tư pháp")."""
        extra: dict = {}
        for trigger in _LIST_TRIGGER.finditer(stream.folded):
            inside = [i for i in found if trigger.start() <= stream.spans[i][0] < trigger.end()]
            position = stream.spans[found[inside[0]][0]][1] if inside else trigger.end()
            if not inside and not self._take(stream, position, found, extra, relaxed):
                continue
            position = self._list_end(stream, position, found, extra)
            while sep := _LIST_SEP.match(stream.folded, position):
                if not self._take(stream, sep.end(), found, extra, relaxed):
                    break
                position = self._list_end(stream, sep.end(), found, extra)
        return extra

    def _take(
        self, stream: _Stream, position: int, found: dict, extra: dict, relaxed: bool
    ) -> bool:
        """Match a listed ministry or any full name at a text position."""
        index = stream.token_at.get(position)
        if index is None:
            return False
        if index in found:
            return True
        hit = self._bare.match(stream, index, relaxed)
        if hit:
            extra[index] = hit
        return hit is not None

    @staticmethod
    def _list_end(stream: _Stream, position: int, found: dict, extra: dict) -> int:
        """Return where the list item starting at a position ends."""
        index = stream.token_at.get(position)
        hit = found.get(index) or extra.get(index)
        return stream.spans[hit[0]][1] if hit else position


def _groups_outside(folded: str, mentions: list[Mention]) -> list[Mention]:
    """Return the group mentions that do not overlap an agency mention."""
    groups = []
    for start, end, kind in find_groups(folded):
        if not any(m.start < end and start < m.end for m in mentions):
            groups.append(Mention(start, end, None, kind))
    return groups


def _freeze(records: Sequence[Mapping]) -> tuple:
    """Return a hashable copy of registry records, to key the matcher cache."""
    frozen = []
    for record in records:
        items = []
        for key, value in sorted(record.items(), key=lambda kv: str(kv[0])):
            value = tuple(value) if isinstance(value, list) else value
            items.append((str(key), value if _hashable(value) else repr(value)))
        frozen.append(tuple(items))
    return tuple(frozen)


def _hashable(value: object) -> bool:
    """Tell whether a value can be part of a cache key."""
    try:
        hash(value)
    except TypeError:
        return False
    return True


@lru_cache(maxsize=8)
def _build(frozen: tuple) -> AgencyMatcher:
    """Build a matcher from frozen records."""
    return AgencyMatcher([dict(items) for items in frozen])


def matcher_for(records: Sequence[Mapping]) -> AgencyMatcher:
    """Return the matcher of a registry, built once per distinct list of records."""
    return _build(_freeze(records))
