"""Short task titles: the verb phrase of a clause, without its subject, helpers and deadline."""

from __future__ import annotations

import re

from tracker.textimport.deadlines import Deadline
from tracker.textimport.lexicon import VERB_RE
from tracker.textimport.normalise import fold

MAX_TITLE_CHARS = 200
_CUES_RE = re.compile(
    r"(?:[\s,:]+|(?:cung(?!\s+(?:cap|ung|co|voi))|can(?!\s+(?:doi|bo|thiet|cu))|phai|duoc giao|"
    r"duoc yeu cau|co trach nhiem|chiu trach nhiem|la co quan chu tri|chu tri|chu dong phoi hop)\b)"
)
_COORD_OPEN_RE = re.compile(r"phoi hop(?:\s+chat che)?\s+(?:voi|cung)\b")
_TRAILING_RE = re.compile(r"[\s,;:]*(?:\b(?:hoan thanh|xong|thuc hien xong|de)\b)?[\s,;:./]*$")


def make_title(
    text: str, start: int, coord_spans: tuple[tuple[int, int], ...], deadline: Deadline | None
) -> str:
    """Return the task's title: the clause from its verb, without helpers and a closing deadline."""
    folded = fold(text)
    position = _skip(_CUES_RE, folded, start)
    if coord := _COORD_OPEN_RE.match(folded, position):
        ends = [end for begin, end in coord_spans if begin >= coord.end() - 1]
        position = _skip(_CUES_RE, folded, min(ends, default=coord.end()))
        position = _next_verb(folded, position)
    end = len(text)
    if deadline and deadline.start >= position and not text[deadline.end :].strip(" .;,:/)"):
        end = deadline.start
    title = _trim(text[position:end]) or _trim(text[start:]) or text.strip()
    return _shorten(title[:1].upper() + title[1:])


def _next_verb(folded: str, position: int) -> int:
    """Move to the verb that follows the co-ordinators ("các tỉnh có dự án hướng dẫn ...")."""
    if VERB_RE.match(folded, position):
        return position
    for word in re.finditer(r"\b\w", folded[position : position + 60]):
        if VERB_RE.match(folded, position + word.start()):
            return position + word.start()
    return position


def _skip(pattern: re.Pattern, folded: str, position: int) -> int:
    """Move past every consecutive match of a pattern."""
    while (match := pattern.match(folded, position)) and match.end() > position:
        position = match.end()
    return position


def _trim(text: str) -> str:
    """Strip the punctuation and the "hoàn thành" left dangling at the end of a title."""
    folded = fold(text)
    match = _TRAILING_RE.search(folded)
    return text[: match.start()].strip(" ,;:") if match else text.strip()


def _shorten(title: str) -> str:
    """Cut a title at a word boundary to fit the maximum length."""
    if len(title) <= MAX_TITLE_CHARS:
        return title
    cut = title.rfind(" ", 0, MAX_TITLE_CHARS - 1)
    return title[: cut if cut > 0 else MAX_TITLE_CHARS - 1].rstrip(" ,;:") + "…"
