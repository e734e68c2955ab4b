"""Split a pasted notice into lines, headings and sentences, dropping the web page's furniture."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.textimport.normalise import clean_text, fold

# Markers of numbered clauses and bullets, with their depth in the usual outline of a notice.
_MARKERS = (
    (re.compile(r"^(?:[IVX]{1,5})[.)]\s+"), 0.0, True),
    (re.compile(r"^\d{1,2}(?:\.\d{1,2})+\.?\s+"), 2.0, True),
    (re.compile(r"^\d{1,2}[.)]\s+"), 1.0, True),
    (re.compile(r"^[a-zđ][)]\s*"), 3.0, True),
    (re.compile(r"^[a-zđ]\.\s+(?=\S)"), 3.0, True),
    (re.compile(r"^\((?:\d{1,2}|[a-zđ]|[ivx]{1,4})\)\s*"), 3.5, True),
    (re.compile(r"^[-–—•●▪◦·*]\s*"), 4.0, False),
    (re.compile(r"^\+\s*"), 5.0, False),
)
_TERMINAL = ".!?;…"
_FURNITURE_START = re.compile(
    r"^(?:tin lien quan|bai lien quan|tin cung chuyen muc|tin moi(?: nhat)?|tin khac|cac tin khac|"
    r"xem them|doc them|co the ban quan tam|chia se|binh luan|gui binh luan|y kien ban doc|"
    r"gui y kien|in bai|gui email|luu bai|theo doi|facebook|zalo|twitter|tweet|email|print|share|"
    r"trang chu|dang nhap|dang ky|tim kiem|lien he|quay lai|ve dau trang|len dau trang|"
    r"nghe doc bai|nghe bai viet|co chu|ban quyen|copyright|tags?|tu khoa|chuyen muc|danh muc|"
    r"menu|rss|hotline|nguon|video|pv|ctv|\d+\s+binh luan)\b"
)
_FURNITURE_ANYWHERE = re.compile(
    r"luot xem|luot doc|luot thich|gmt\s*[+-]|cap nhat\s*:|ngay dang|©|https?://|www\.|\S@\S"
)
_TIMESTAMP = re.compile(
    r"^(?:(?:thu (?:hai|ba|tu|nam|sau|bay)|chu nhat)\s*,?\s*)?\d{1,2}/\d{1,2}/\d{4}"
    r"(?:\s*[-,|]?\s*\d{1,2}:\d{2}.*)?$"
)
_MENU_SEPARATORS = re.compile(r"\s(?:\||›|»|>|/)\s")
_BYLINE = re.compile(r"^\((?:[\w.\s-]{2,30})\)\s*[-–—:]\s*|^(?:vgp|ttxvn|chinhphu\.vn)\s*[-–—]\s*")
_RELATED = re.compile(r"^(?:tin lien quan|bai lien quan|xem them|doc them|co the ban quan tam)\b")
_TAIL = re.compile(
    r"^(?:binh luan|gui binh luan|y kien ban doc|gui y kien|tin cung chuyen muc|tin moi(?: nhat)?|"
    r"tin khac|cac tin khac)\b"
)
_RECIPIENTS = re.compile(r"^noi nhan\b")
_NOTICE_START = re.compile(
    r"^(?:thong bao|ket luan cua|cong hoa xa hoi chu nghia|van phong chinh phu)\b"
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)]*\s+(?=\S)")
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:TP|Tp|tp|TS|ThS|PGS|GS|KT|TM|TL|TUQ|Th|St|TX|Tx|TT|v\.v|[A-ZĐ])\.$"
)


_NUMBER_ONLY = re.compile(r"(?:\d{1,2}(?:\.\d{1,2})*|[IVX]{1,5})\.")


@dataclass(frozen=True)
class Line:
    """One line of the notice, without its clause number or bullet."""

    text: str
    level: float | None  # depth of its number or bullet; None for a plain line
    numbered: bool  # "1.", "a)", "II." rather than a bullet
    heading: bool  # introduces what follows ("2. Đối với Bộ Công an:", "II. NHIỆM VỤ")
    sentences: tuple[str, ...]


def split_document(text: str, lowercase: bool = False) -> list[Line]:
    """Return the meaningful lines of a notice; `lowercase` lets sentences start in lower case."""
    lines = []
    for raw in _body_lines(clean_text(text)):
        body, level, numbered = strip_marker(raw)
        if body:
            heading = _is_heading(body, level)
            lines.append(
                Line(body, level, numbered, heading, tuple(split_sentences(body, lowercase)))
            )
    return lines


def strip_marker(line: str) -> tuple[str, float | None, bool]:
    """Remove a clause number or bullet; return the rest, its depth and whether it is a number."""
    for pattern, level, numbered in _MARKERS:
        match = pattern.match(line)
        if match:
            return line[match.end() :].strip(), level, numbered
    return line, None, False


def _body_lines(text: str) -> list[str]:
    """Return the lines of the notice's body: furniture dropped, wrapped lines joined."""
    kept: list[str] = []
    mode = "body"
    for line in filter(None, text.split("\n")):
        folded = fold(line)
        mode = _mode(line, folded, mode, kept)
        if mode == "end":
            break
        if mode != "body" or _is_furniture(line, folded):
            continue
        line = line[_byline_length(folded) :]
        if kept and _continues(kept[-1], line):
            kept[-1] = f"{kept[-1]} {line}"
        else:
            kept.append(line)
    return kept


def _mode(line: str, folded: str, mode: str, kept: list[str]) -> str:
    """Return whether a line is in the body, a related-news box, the footer, or past the end."""
    if _TAIL.match(folded) and len(line.split()) <= 4 and _has_sentence(kept):
        return "end"  # readers' comments and other articles follow
    if _RECIPIENTS.match(folded):
        return "footer"  # recipients and signature, until another notice starts
    if _RELATED.match(folded):
        return "related"
    if mode == "footer":
        return "body" if _NOTICE_START.match(folded) else "footer"
    if mode == "related" and not _ends_sentence(line) and len(line.split()) <= 25:
        return "related"
    return "body"


def _has_sentence(kept: list[str]) -> bool:
    """Tell whether the body so far holds a full sentence (an article has begun)."""
    return any(_ends_sentence(line) for line in kept[-50:])


def _is_furniture(line: str, folded: str) -> bool:
    """Tell whether a line belongs to the web page around the notice."""
    short = len(line.split()) <= 12
    if short and (_FURNITURE_START.match(folded) and not _ends_sentence(line)):
        return True
    if short and (_FURNITURE_ANYWHERE.search(folded) or _TIMESTAMP.match(folded)):
        return True
    parts = _MENU_SEPARATORS.split(line)
    return len(parts) >= 3 and all(len(p.split()) <= 10 for p in parts)


def _byline_length(folded: str) -> int:
    """Return the length of a news agency's byline opening a line ("(Chinhphu.vn) - ")."""
    match = _BYLINE.match(folded)
    return match.end() if match else 0


def _ends_sentence(line: str) -> bool:
    """Tell whether a line ends like a sentence or a clause."""
    return line.rstrip('"”’) ').endswith(tuple(_TERMINAL))


def _continues(previous: str, line: str) -> bool:
    """Tell whether a line continues the previous one (a hard-wrapped paragraph)."""
    if previous.endswith((":",)) or _ends_sentence(previous):
        return False
    first = line[0]
    return first.isalpha() and first.islower() and strip_marker(line)[1] is None


def _is_heading(body: str, level: float | None) -> bool:
    """Tell whether a line introduces the lines that follow rather than stating a task."""
    if body.endswith(":"):
        return True
    if _ends_sentence(body):
        return False
    letters = [c for c in body if c.isalpha()]
    if len(letters) >= 3 and sum(c.isupper() for c in letters) > 0.8 * len(letters):
        return True
    return len(body.split()) <= (14 if level is not None else 10)


def split_sentences(text: str, lowercase: bool = False) -> list[str]:
    """Split a line into sentences at full stops followed by a capital, a digit or a quote."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        following = text[match.end()]
        starts = following.isupper() or following.isdigit() or following in '"“(-–•'
        if not (starts or (lowercase and following.isalpha())):
            continue
        sentence = text[start : match.start() + 1]
        if _ABBREVIATION.search(sentence) or _NUMBER_ONLY.fullmatch(sentence.strip()):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]
