"""Normalisation helpers: NFC, whitespace, junk detection and diacritic folding."""

from __future__ import annotations

import unicodedata

from tracker.textimport.normalise import clean_text, fold, is_mostly_lowercase, junk_ratio


def test_fold_strips_diacritics_and_case():
    assert fold("Bộ Tài chính, ĐẮK LẮK, Ủy ban, Uỷ ban, Hoà, Hòa") == (
        "bo tai chinh, dak lak, uy ban, uy ban, hoa, hoa"
    )


def test_fold_keeps_the_length_so_positions_map_back():
    text = "Thủ tướng giao Bộ Công Thương İstanbul ǅ ﬁ 𝔘 \u0301"
    assert len(fold(text)) == len(text)


def test_clean_text_composes_decomposed_vietnamese():
    decomposed = unicodedata.normalize("NFD", "Bộ Tư pháp")
    assert clean_text(decomposed) == "Bộ Tư pháp"


def test_clean_text_unifies_spaces_and_line_ends():
    assert clean_text("a\u00a0\u00a0b\r\nc\u200bd\te\u2028f  ") == "a b\ncd e\nf"


def test_clean_text_drops_control_characters_and_lone_surrogates():
    assert clean_text("Bộ\x00 Y\x07 tế\ud800") == "Bộ Y tế"


def test_junk_ratio_tells_binary_from_text():
    assert junk_ratio("Bộ Y tế chủ trì.") == 0
    assert junk_ratio("\x00\x01\x02abc") == 0.5
    assert junk_ratio("") == 0


def test_mostly_lowercase_text_is_detected():
    assert is_mostly_lowercase("bo tai chinh chu tri, phoi hop voi bo y te trien khai")
    assert not is_mostly_lowercase("Bộ Tài chính chủ trì, phối hợp với Bộ Y tế triển khai")
