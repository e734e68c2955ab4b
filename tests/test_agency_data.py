"""Integrity of the shipped agency registry (`tracker/agencies/data/agencies.json`).

Pure data checks: no application, database or fixture is needed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from datetime import date

from tracker.agencies.data import AGENCY_KINDS, load_agency_records

FIELDS = {
    "code",
    "name",
    "short_name",
    "name_en",
    "kind",
    "abbreviations",
    "successor",
    "valid_until",
}
CODE_RE = re.compile(r"[A-Z0-9_]{2,32}")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

CENTRAL_MERGE_DAY = "2025-02-28"
PROVINCE_MERGE_DAY = "2025-06-30"

# Central bodies current since 1 March 2025: code -> kind.
CURRENT_CENTRAL = {
    "MOD": "ministry",
    "MPS": "ministry",
    "MOFA": "ministry",
    "MOHA": "ministry",
    "MOJ": "ministry",
    "MOF": "ministry",
    "MOIT": "ministry",
    "MAE": "ministry",
    "MOC": "ministry",
    "MOCST": "ministry",
    "MOST": "ministry",
    "MOET": "ministry",
    "MOH": "ministry",
    "MERA": "ministry",
    "SBV": "ministry_level",
    "GI": "ministry_level",
    "OOG": "ministry_level",
}

# Central bodies merged away in the 2025 restructuring: code -> successor.
MERGED_CENTRAL = {
    "MIC": "MOST",
    "MPI": "MOF",
    "MOT": "MOC",
    "MONRE": "MAE",
    "MARD": "MAE",
    "MOLISA": "MOHA",
    "CEMA": "MERA",
    "CMSC": "MOF",
}

CURRENT_GOVERNMENT_AGENCIES = {"VSS", "VNA", "VTV", "VOV", "VAST", "VASS", "HCMM"}
ORGANISATIONS = {"HCYU", "VFF", "VGCL", "VCCI", "VWU"}

# Resolution 202/2025/QH15: provincial units that kept their identity (34) ...
CURRENT_PROVINCES = {
    # unchanged
    "HANOI",
    "HUE",
    "LAICHAU",
    "DIENBIEN",
    "SONLA",
    "LANGSON",
    "QUANGNINH",
    "THANHHOA",
    "NGHEAN",
    "HATINH",
    "CAOBANG",
    # surviving units of a merger
    "TUYENQUANG",
    "LAOCAI",
    "THAINGUYEN",
    "PHUTHO",
    "BACNINH",
    "HUNGYEN",
    "HAIPHONG",
    "NINHBINH",
    "QUANGTRI",
    "DANANG",
    "QUANGNGAI",
    "GIALAI",
    "KHANHHOA",
    "LAMDONG",
    "DAKLAK",
    "HCMC",
    "DONGNAI",
    "TAYNINH",
    "CANTHO",
    "VINHLONG",
    "DONGTHAP",
    "CAMAU",
    "ANGIANG",
}
# ... and the 29 merged into them from 1 July 2025: code -> successor.
MERGED_PROVINCES = {
    "HAGIANG": "TUYENQUANG",
    "YENBAI": "LAOCAI",
    "BACKAN": "THAINGUYEN",
    "VINHPHUC": "PHUTHO",
    "HOABINH": "PHUTHO",
    "BACGIANG": "BACNINH",
    "THAIBINH": "HUNGYEN",
    "HAIDUONG": "HAIPHONG",
    "HANAM": "NINHBINH",
    "NAMDINH": "NINHBINH",
    "QUANGBINH": "QUANGTRI",
    "QUANGNAM": "DANANG",
    "KONTUM": "QUANGNGAI",
    "BINHDINH": "GIALAI",
    "NINHTHUAN": "KHANHHOA",
    "DAKNONG": "LAMDONG",
    "BINHTHUAN": "LAMDONG",
    "PHUYEN": "DAKLAK",
    "BINHDUONG": "HCMC",
    "BARIAVUNGTAU": "HCMC",
    "BINHPHUOC": "DONGNAI",
    "LONGAN": "TAYNINH",
    "SOCTRANG": "CANTHO",
    "HAUGIANG": "CANTHO",
    "BENTRE": "VINHLONG",
    "TRAVINH": "VINHLONG",
    "TIENGIANG": "DONGTHAP",
    "BACLIEU": "CAMAU",
    "KIENGIANG": "ANGIANG",
}
CENTRALLY_RUN_CITIES = {"HANOI", "HCMC", "HAIPHONG", "DANANG", "CANTHO", "HUE"}


def _records() -> tuple[dict, ...]:
    return load_agency_records()


def _by_code() -> dict[str, dict]:
    return {r["code"]: r for r in _records()}


def _texts(record: dict):
    yield record["name"]
    yield record["short_name"]
    yield record["name_en"]
    yield from record["abbreviations"]


def test_record_shape():
    records = _records()
    assert records, "registry is empty"
    for r in records:
        assert set(r) == FIELDS, r.get("code")
        for field in ("code", "name", "short_name", "name_en", "kind"):
            assert isinstance(r[field], str) and r[field].strip() == r[field] and r[field], (
                r["code"],
                field,
            )
        assert isinstance(r["abbreviations"], list), r["code"]
        for a in r["abbreviations"]:
            assert isinstance(a, str) and a and a.strip() == a and "  " not in a, (r["code"], a)


def test_codes_unique_and_well_formed():
    records = _records()
    codes = [r["code"] for r in records]
    dupes = [c for c, n in Counter(codes).items() if n > 1]
    assert not dupes
    bad = [c for c in codes if not CODE_RE.fullmatch(c)]
    assert not bad


def test_kinds_valid():
    records = _records()
    assert set(AGENCY_KINDS) == {
        "ministry",
        "ministry_level",
        "government_agency",
        "province",
        "organisation",
    }
    bad = [(r["code"], r["kind"]) for r in records if r["kind"] not in AGENCY_KINDS]
    assert not bad


def test_successor_iff_valid_until():
    records = _records()
    for r in records:
        assert (r["successor"] is None) == (r["valid_until"] is None), r["code"]
        if r["valid_until"] is not None:
            assert DATE_RE.fullmatch(r["valid_until"]), r["code"]
            date.fromisoformat(r["valid_until"])


def test_successors_exist_are_current_and_not_self():
    by_code = _by_code()
    for code, r in by_code.items():
        succ = r["successor"]
        if succ is None:
            continue
        assert succ != code
        assert succ in by_code, f"{code}: unknown successor {succ}"
        assert by_code[succ]["successor"] is None, (
            f"{code}: successor {succ} is itself merged (chain)"
        )
        assert by_code[succ]["valid_until"] is None


def test_no_successor_cycles():
    by_code = _by_code()
    for code in by_code:
        seen = {code}
        cur = by_code[code]["successor"]
        while cur is not None:
            assert cur not in seen, f"cycle through {code}"
            seen.add(cur)
            cur = by_code[cur]["successor"]


def test_central_bodies():
    by_code = _by_code()
    for code, kind in CURRENT_CENTRAL.items():
        assert code in by_code, code
        assert by_code[code]["kind"] == kind, code
        assert by_code[code]["successor"] is None, code
    for code, succ in MERGED_CENTRAL.items():
        assert code in by_code, code
        assert by_code[code]["successor"] == succ, code
        assert by_code[code]["valid_until"] == CENTRAL_MERGE_DAY, code
    assert by_code["CEMA"]["kind"] == "ministry_level"
    assert by_code["CMSC"]["kind"] == "government_agency"
    for code in ("MIC", "MPI", "MOT", "MONRE", "MARD", "MOLISA"):
        assert by_code[code]["kind"] == "ministry", code


def test_government_agencies_and_organisations():
    by_code = _by_code()
    for code in CURRENT_GOVERNMENT_AGENCIES:
        assert code in by_code, code
        assert by_code[code]["kind"] == "government_agency", code
        assert by_code[code]["successor"] is None, code
    for code in ORGANISATIONS:
        assert code in by_code, code
        assert by_code[code]["kind"] == "organisation", code
        assert by_code[code]["successor"] is None, code


def test_provinces():
    records = _records()
    by_code = _by_code()
    assert len(CURRENT_PROVINCES) == 34 and len(MERGED_PROVINCES) == 29
    assert not CURRENT_PROVINCES & set(MERGED_PROVINCES)
    assert set(MERGED_PROVINCES.values()) <= CURRENT_PROVINCES

    provinces = [r for r in records if r["kind"] == "province"]
    assert len(provinces) == 63
    current = {r["code"] for r in provinces if r["successor"] is None}
    assert len(current) == 34
    assert current == CURRENT_PROVINCES
    for code, succ in MERGED_PROVINCES.items():
        assert by_code[code]["kind"] == "province", code
        assert by_code[code]["successor"] == succ, code
        assert by_code[code]["valid_until"] == PROVINCE_MERGE_DAY, code


def test_province_names():
    records = _records()
    for r in records:
        if r["kind"] != "province":
            continue
        if r["code"] in CENTRALLY_RUN_CITIES:
            place = r["short_name"].removeprefix("TP. ")
            assert r["short_name"] == f"TP. {place}", r["code"]
            assert r["name"] == f"Ủy ban nhân dân thành phố {place}", r["code"]
            assert r["name_en"].endswith("People's Committee"), r["code"]
        else:
            assert r["name"] == f"Ủy ban nhân dân tỉnh {r['short_name']}", r["code"]
            assert r["name_en"].endswith("Provincial People's Committee"), r["code"]
            assert f"UBND tỉnh {r['short_name']}" in r["abbreviations"], r["code"]
            assert f"tỉnh {r['short_name']}" in r["abbreviations"], r["code"]
            assert r["short_name"] in r["abbreviations"], r["code"]


def test_well_known_abbreviations():
    by_code = _by_code()
    expected = {
        "MIC": ["Bộ TT&TT", "Bộ TTTT"],
        "MONRE": ["Bộ TN&MT"],
        "MPI": ["Bộ KH&ĐT"],
        "MOST": ["Bộ KH&CN"],
        "MOET": ["Bộ GD&ĐT", "Bộ GDĐT"],
        "MOCST": ["Bộ VHTTDL"],
        "MOLISA": ["Bộ LĐ-TB&XH", "Bộ LĐTBXH"],
        "MARD": ["Bộ NN&PTNT"],
        "SBV": ["NHNN", "Ngân hàng Nhà nước"],
        "GI": ["TTCP"],
        "OOG": ["VPCP"],
        "CEMA": ["UBDT", "Uỷ ban Dân tộc"],
        "MOF": ["BTC", "Bộ TC"],
        "LONGAN": ["UBND tỉnh Long An", "tỉnh Long An", "Long An"],
        "HANOI": ["UBND TP. Hà Nội", "UBND thành phố Hà Nội", "TP. Hà Nội", "Hà Nội"],
        "HCMC": ["TP.HCM", "TP. Hồ Chí Minh", "Thành phố Hồ Chí Minh"],
        "HUE": ["Thừa Thiên Huế", "tỉnh Thừa Thiên Huế"],
        "THANHHOA": ["Thanh Hoá", "Thanh Hóa"],
        "HOABINH": ["Hoà Bình", "Hòa Bình"],
    }
    for code, abbrs in expected.items():
        for a in abbrs:
            assert a in by_code[code]["abbreviations"], (code, a)


def test_abbreviations_not_shared():
    records = _records()
    owners: dict[str, set[str]] = defaultdict(set)
    for r in records:
        own = {r["name"].casefold()}
        for a in r["abbreviations"]:
            assert a != r["name"], f"{r['code']}: name repeated in abbreviations"
            assert a.casefold() not in own, f"{r['code']}: duplicate abbreviation {a!r}"
            own.add(a.casefold())
        own.add(r["short_name"].casefold())
        for key in own:
            owners[key].add(r["code"])
    shared = {k: sorted(v) for k, v in owners.items() if len(v) > 1}
    assert not shared


def test_text_is_nfc():
    records = _records()
    for r in records:
        for text in _texts(r):
            assert unicodedata.normalize("NFC", text) == text, (r["code"], text)


def test_english_names_are_ascii():
    records = _records()
    for r in records:
        assert r["name_en"].isascii(), r["code"]
