"""Find group subjects: "các bộ, ngành, địa phương", "Ủy ban nhân dân các tỉnh, thành phố ..."."""

from __future__ import annotations

import re

from tracker.textimport.lexicon import TITLE_RE, VERB_RE

ALL = "all"
MINISTRIES = "all_ministries"
PROVINCES = "all_provinces"
VAGUE = "vague"

_MINISTRY_WORDS = (
    "co quan ngang bo",
    "co quan thuoc chinh phu",
    "co quan trung uong",
    "nganh trung uong",
    "bo nganh",
    "bo",
    "nganh",
)
_PROVINCE_WORDS = ("tinh thanh pho", "thanh pho", "dia phuong", "tinh")
_NEUTRAL_WORDS = ("co quan", "don vi", "to chuc")
_WORDS = sorted(_MINISTRY_WORDS + _PROVINCE_WORDS + _NEUTRAL_WORDS, key=len, reverse=True)
_WORD = r"(?:" + "|".join(w.replace(" ", r"\s+") for w in _WORDS) + r")\b"
_HEAD = rf"(?:{TITLE_RE}[\s,]+)*(?:(?:uy ban nhan dan|ubnd)\s+)?"
_GROUP_RE = re.compile(
    rf"\b{_HEAD}cac\s+{_WORD}(?:\s*(?:,|\bva\b|/)\s*{_HEAD}(?:cac\s+)?{_WORD})*"
    r"(?:\s*,?\s*(?:thanh pho\s+)?truc thuoc\s+trung uong)?"
    r"(?P<vague>\s+(?:co\s+)?lien quan\b)?"
)
# What follows a group and narrows it to some members: "các tỉnh vùng ...", "các địa phương có ...".
_SUBSET_RE = re.compile(
    r"\s*(?:\(|(?:vung|khu vuc|ven|bien gioi|mien|tay nguyen|dong bang|trung du|duyen hai|nhu|gom|"
    r"sau|chua|duoc|thuoc|con|nay|do|thi diem|trong diem|bi|chiu|noi|co(?!\s+trach\s+nhiem)|"
    r"tren(?!\s+(?:ca nuoc|dia ban ca nuoc|toan quoc))|trong(?!\s+(?:ca nuoc|toan quoc)))\b)"
)
_LIST_FOLLOWS_RE = re.compile(r"\s*:\s*\S")
_SUBJECT_FOLLOWER_RE = re.compile(r"(?:khong|chua|can|phai|theo|nghiem|kip thoi|deu)\b")
_WORD_SPLIT_RE = re.compile(r"\s*(?:,|\bva\b|/)\s*")


def find_groups(folded: str) -> list[tuple[int, int, str]]:
    """Return (start, end, kind) of the groups named in a folded text."""
    found = []
    for match in _GROUP_RE.finditer(folded):
        kind = _classify(match.group())
        rest = folded[match.end() :]
        if _LIST_FOLLOWS_RE.match(rest):
            continue  # "các tỉnh: Nghệ An, Hà Tĩnh" names its members
        if match.group("vague") or _SUBSET_RE.match(rest):
            kind = VAGUE
        elif kind != VAGUE and _is_single_word(match.group()) and not _ends_phrase(rest):
            continue  # "các bộ hồ sơ" is a set of files, not the ministries
        found.append((match.start(), match.end(), kind))
    return found


def _classify(phrase: str) -> str:
    """Tell which members a group phrase covers."""
    members = set(re.findall(_WORD, re.sub(TITLE_RE, " ", re.sub(r"\s+", " ", phrase))))
    ministries = bool(members & set(_MINISTRY_WORDS))
    provinces = bool(members & set(_PROVINCE_WORDS)) or "truc thuoc" in phrase
    if ministries and provinces:
        return ALL
    if ministries:
        return MINISTRIES
    if provinces:
        return PROVINCES
    return VAGUE


def _is_single_word(phrase: str) -> bool:
    """Tell whether a group names one kind of member only ("các bộ")."""
    return len(_WORD_SPLIT_RE.split(phrase.strip())) == 1 and "truc thuoc" not in phrase


def _ends_phrase(rest: str) -> bool:
    """Tell whether a one-word group is followed by punctuation or a verb, as a subject is."""
    stripped = rest.lstrip()
    if not stripped or stripped[0] in ",.;:)":
        return True
    return bool(VERB_RE.match(stripped) or _SUBJECT_FOLLOWER_RE.match(stripped))
