"""Text normalisation: NFC, whitespace, junk detection and length-preserving diacritic folding."""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAKS = str.maketrans({"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n"})
_PARAGRAPH = str.maketrans({"\u2029": "\n"})
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"))
# Control characters, surrogates, private use and replacement characters: signs of binary input.
_JUNK = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd\ufffe\uffff]")
_SPACES = re.compile(r"[^\S\n]+")
_WORD = re.compile(r"[^\W_]+")


def nfc(text: str) -> str:
    """Return the NFC form of a text."""
    return unicodedata.normalize("NFC", text)


def junk_ratio(text: str) -> float:
    """Return the share of characters that only occur in binary or broken input."""
    if not text:
        return 0.0
    return len(_JUNK.findall(text)) / len(text)


def clean_text(text: str) -> str:
    """Return NFC text with unified line ends, single spaces and no control characters."""
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS).translate(_PARAGRAPH)
    text = _JUNK.sub(" ", text.translate(_INVISIBLE))
    text = nfc(text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


class _FoldTable(dict):
    """Translation table that folds one character to one character, filled on demand."""

    def __missing__(self, key: int) -> str:
        char = chr(key)
        folded = _fold_char(char)
        self[key] = folded
        return folded


def _fold_char(char: str) -> str:
    """Fold one character to lower-case ASCII-like form, keeping the length at one."""
    if char in "đĐðÐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    base = base.lower() if base else " "
    if len(base) == 1:
        return base
    lower = char.lower()
    return lower if len(lower) == 1 else char


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip diacritics ("Bộ Tài chính" -> "bo tai chinh"); the length is kept."""
    return text.translate(_FOLD)


def words(text: str) -> list[str]:
    """Return the words (letters and digits) of a text."""
    return _WORD.findall(text)


def is_mostly_lowercase(text: str) -> bool:
    """Tell whether a text hardly uses capitals, so that case cannot help to find names."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20:
        return False
    return sum(c.isupper() for c in letters) < len(letters) * 0.01
