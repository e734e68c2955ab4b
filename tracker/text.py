"""Text helpers: NFC normalisation and diacritic-insensitive search keys for Vietnamese."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(text: str) -> str:
    """Return text in Unicode NFC, the form we store."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Return a lower-case, diacritic-free, space-normalised key ("Định danh" -> "dinh danh")."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower().translate(_FOLD_EXTRA)).strip()


def search_terms(query: str, limit: int = 8) -> list[str]:
    """Split a search query into folded words (at most `limit`)."""
    return [word for word in fold(query).split(" ") if word][:limit]
