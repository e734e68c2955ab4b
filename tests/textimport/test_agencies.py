"""Agency names in text: full names, abbreviations, provinces, groups, history and successors."""

from __future__ import annotations

import datetime as dt
import importlib.resources

import pytest

from tracker.textimport.agencies import AgencyMatcher, matcher_for


def _record(code, name, kind="ministry", abbreviations=(), successor=None, until=None, short=None):
    """Return a registry record in the shipped format."""
    return {
        "code": code,
        "name": name,
        "short_name": short or name,
        "name_en": code,
        "kind": kind,
        "abbreviations": list(abbreviations),
        "successor": successor,
        "valid_until": until,
    }


def _province(code, core, until=None, successor=None, city=False):
    """Return a province record the way the registry writes them."""
    unit = "thành phố" if city else "tỉnh"
    short = f"TP. {core}" if city else core
    forms = [f"UBND {unit} {core}", f"{unit} {core}", core]
    return _record(
        code, f"Ủy ban nhân dân {unit} {core}", "province", forms, successor, until, short
    )


SAMPLE = [
    _record("MOF", "Bộ Tài chính", abbreviations=["BTC", "Bộ TC"]),
    _record("MOH", "Bộ Y tế", abbreviations=["BYT"]),
    _record("MPS", "Bộ Công an", abbreviations=["BCA", "Bộ CA"]),
    _record("MOHA", "Bộ Nội vụ"),
    _record("MOJ", "Bộ Tư pháp"),
    _record("MOST", "Bộ Khoa học và Công nghệ", abbreviations=["Bộ KH&CN", "Bộ KHCN"]),
    _record(
        "MIC",
        "Bộ Thông tin và Truyền thông",
        abbreviations=["Bộ TT&TT"],
        successor="MOST",
        until="2025-02-28",
    ),
    _record(
        "MPI",
        "Bộ Kế hoạch và Đầu tư",
        abbreviations=["Bộ KH&ĐT"],
        successor="MOF",
        until="2025-02-28",
    ),
    _record(
        "MOLISA",
        "Bộ Lao động - Thương binh và Xã hội",
        abbreviations=["Bộ LĐ-TB&XH"],
        successor="MOHA",
        until="2025-02-28",
    ),
    _record("SBV", "Ngân hàng Nhà nước Việt Nam", "ministry_level", ["Ngân hàng Nhà nước", "NHNN"]),
    _record("GI", "Thanh tra Chính phủ", "ministry_level", ["TTCP"]),
    _record("VSS", "Bảo hiểm xã hội Việt Nam", "government_agency", ["BHXH Việt Nam"]),
    _record(
        "HCYU",
        "Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh",
        "organisation",
        ["Trung ương Đoàn"],
    ),
    _province("HANOI", "Hà Nội", city=True),
    _province("HCMC", "Hồ Chí Minh", city=True),
    _province("TAYNINH", "Tây Ninh"),
    _province("LONGAN", "Long An", "2025-06-30", "TAYNINH"),
    _province("HOABINH", "Hòa Bình", "2025-06-30", "PHUTHO"),
    _province("PHUTHO", "Phú Thọ"),
    _province("NAMDINH", "Nam Định", "2025-06-30", "NINHBINH"),
    _province("NINHBINH", "Ninh Bình"),
]
ON_2024 = dt.date(2024, 6, 1)
ON_2026 = dt.date(2026, 3, 1)


def found(text: str, on: dt.date = ON_2024, records=SAMPLE) -> list[tuple[str, str]]:
    """Return (words, code or group) of what a text names."""
    return [(text[m.start : m.end], m.code or m.group) for m in matcher_for(records).find(text, on)]


def codes(text: str, on: dt.date = ON_2024, records=SAMPLE) -> list[str]:
    """Return the codes and groups a text names."""
    return [name for _, name in found(text, on, records)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Bộ Tài chính chủ trì", "MOF"),
        ("bộ Tài chính chủ trì", "MOF"),
        ("Bo Tai chinh chu tri", "MOF"),
        ("Bộ TC chủ trì", "MOF"),
        ("BYT phối hợp", "MOH"),
        ("Thanh tra Chính phủ có trách nhiệm", "GI"),
        ("Ngân hàng Nhà nước Việt Nam chỉ đạo", "SBV"),
        ("Ngân hàng Nhà nước chỉ đạo", "SBV"),
        ("NHNN chỉ đạo", "SBV"),
        ("Bảo hiểm xã hội Việt Nam khẩn trương", "VSS"),
        ("Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh phối hợp", "HCYU"),
    ],
)
def test_full_names_short_names_and_abbreviations(text, code):
    assert codes(text) == [code]


@pytest.mark.parametrize(
    "text",
    ["Bộ KH&CN", "Bộ KH & CN", "Bộ KHCN", "Bộ Khoa học và Công nghệ", "Bộ Khoa hoc va Cong nghe"],
)
def test_ampersand_abbreviations_in_every_spelling(text):
    assert codes(text) == ["MOST"]


@pytest.mark.parametrize("text", ["Bộ TT&TT", "Bộ TT & TT", "Bộ TTTT", "Bộ TT-TT"])
def test_ministry_of_information_as_bo_tt_tt(text):
    assert codes(text, dt.date(2022, 8, 20)) == ["MIC"]


def test_hyphenated_abbreviations():
    assert codes("Bộ LĐ-TB&XH chủ trì", dt.date(2021, 10, 13)) == ["MOLISA"]
    assert codes("Bộ Lao động - Thương binh và Xã hội", dt.date(2021, 10, 13)) == ["MOLISA"]


def test_the_longest_name_wins():
    assert found("Bộ Kế hoạch và Đầu tư chủ trì") == [("Bộ Kế hoạch và Đầu tư", "MPI")]
    assert found("Ngân hàng Nhà nước Việt Nam") == [("Ngân hàng Nhà nước Việt Nam", "SBV")]


@pytest.mark.parametrize(
    "text",
    [
        "Ủy ban nhân dân thành phố Hà Nội",
        "Uỷ ban nhân dân Thành phố Hà Nội",
        "UBND TP. Hà Nội",
        "UBND TP Hà Nội",
        "TP. Hà Nội",
        "thành phố Hà Nội",
        "Hà Nội",
    ],
)
def test_province_forms(text):
    assert codes(f"{text} khẩn trương triển khai") == ["HANOI"]


def test_bare_province_names_need_capitals():
    assert codes("Hòa Bình, Nam Định") == ["HOABINH", "NAMDINH"]
    assert codes("giữ gìn hòa bình; hằng năm định kỳ báo cáo") == []


def test_capitalised_abbreviations_must_stay_capitalised():
    assert codes("Bộ CA chủ trì") == ["MPS"]
    assert codes("tổ chức các bộ ca khúc") == []


def test_a_text_without_capitals_can_be_read_without_case_rules():
    text = "bo tai chinh chu tri, phoi hop voi ubnd thanh pho ha noi va ha noi trien khai ngay"
    assert codes(text) == ["MOF", "HANOI"]
    relaxed = matcher_for(SAMPLE).find(text, ON_2024, relaxed=True)
    assert [m.code for m in relaxed] == ["MOF", "HANOI", "HANOI"]


def test_merged_agencies_pass_to_their_successors_after_the_merger():
    assert codes("Bộ Kế hoạch và Đầu tư", ON_2024) == ["MPI"]
    assert codes("Bộ Kế hoạch và Đầu tư", ON_2026) == ["MOF"]
    assert codes("Bộ TT&TT", ON_2026) == ["MOST"]
    assert codes("Bộ LĐ-TB&XH", ON_2026) == ["MOHA"]


def test_the_merger_day_itself_still_belongs_to_the_old_agency():
    assert codes("Bộ Kế hoạch và Đầu tư", dt.date(2025, 2, 28)) == ["MPI"]
    assert codes("Bộ Kế hoạch và Đầu tư", dt.date(2025, 3, 1)) == ["MOF"]


def test_merged_provinces_pass_to_their_successors():
    assert codes("UBND tỉnh Long An", dt.date(2025, 6, 30)) == ["LONGAN"]
    assert codes("UBND tỉnh Long An", dt.date(2025, 7, 1)) == ["TAYNINH"]


def test_successor_chains_are_followed_and_cycles_stopped():
    records = [
        _record("A", "Bộ Alpha", successor="B", until="2020-01-01"),
        _record("B", "Bộ Beta", successor="C", until="2021-01-01"),
        _record("C", "Bộ Gamma"),
        _record("X", "Bộ Xi", successor="Y", until="2020-01-01"),
        _record("Y", "Bộ Ypsilon", successor="X", until="2020-01-01"),
    ]
    assert codes("Bộ Alpha", dt.date(2022, 1, 1), records) == ["C"]
    assert codes("Bộ Xi", dt.date(2022, 1, 1), records) in (["X"], ["Y"])


def test_ministries_listed_after_cac_bo():
    text = "lãnh đạo các Bộ: Tài chính, Kế hoạch và Đầu tư, Tư pháp và Công an"
    assert codes(text) == ["MOF", "MPI", "MOJ", "MPS"]


def test_provinces_listed_after_cac_tinh():
    assert codes("Ủy ban nhân dân các tỉnh: Long An, Tây Ninh, Hòa Bình") == [
        "LONGAN",
        "TAYNINH",
        "HOABINH",
    ]


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("Các bộ, ngành, địa phương tập trung", "all"),
        ("các bộ, ngành và địa phương", "all"),
        ("Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ:", "all_ministries"),
        ("các bộ, cơ quan ngang bộ theo chức năng", "all_ministries"),
        ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương chỉ đạo", "all_provinces"),
        ("UBND các tỉnh, thành phố khẩn trương", "all_provinces"),
        ("Các địa phương không được", "all_provinces"),
        (
            "Bộ trưởng, Thủ trưởng các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ, Chủ tịch "
            "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương có trách nhiệm",
            "all",
        ),
        ("các bộ, ngành liên quan", "vague"),
        ("các cơ quan liên quan", "vague"),
        ("Ủy ban nhân dân các tỉnh, thành phố vùng Đồng bằng sông Cửu Long", "vague"),
        ("các địa phương có dự án", "vague"),
    ],
)
def test_groups(text, group):
    assert codes(text) == [group]


def test_a_set_of_files_is_no_group_of_ministries():
    assert codes("hoàn thiện các bộ hồ sơ dự án") == []


def test_mentions_come_in_text_order_with_positions():
    text = "Bộ Y tế chủ trì, phối hợp với Bộ Tài chính và các cơ quan liên quan"
    assert found(text) == [
        ("Bộ Y tế", "MOH"),
        ("Bộ Tài chính", "MOF"),
        ("các cơ quan liên quan", "vague"),
    ]


def test_the_matcher_is_built_once_per_registry():
    assert matcher_for(SAMPLE) is matcher_for([dict(r) for r in SAMPLE])
    assert matcher_for(SAMPLE) is not matcher_for(SAMPLE[:3])


def test_broken_records_are_skipped():
    records = [
        {"code": None},
        {"name": "Bộ Không mã"},
        {"code": "OK", "name": "Bộ Ổn", "kind": 3},
        {"code": "BAD", "name": 12, "abbreviations": "Bộ Lỗi", "valid_until": "soon"},
    ]
    matcher = AgencyMatcher(records)
    assert [m.code for m in matcher.find("Bộ Ổn, Bộ Không mã, Bộ Lỗi", ON_2024)] == ["OK"]


REAL = importlib.resources.files("tracker.agencies").joinpath("data/agencies.json")
needs_registry = pytest.mark.skipif(not REAL.is_file(), reason="the shipped registry is missing")


@needs_registry
@pytest.mark.parametrize(
    ("text", "on", "code"),
    [
        ("Bộ Kế hoạch và Đầu tư", dt.date(2026, 1, 5), "MOF"),
        ("Bộ TT&TT", dt.date(2022, 8, 20), "MIC"),
        ("Bộ TT&TT", dt.date(2025, 8, 20), "MOST"),
        ("Bộ NN&PTNT", dt.date(2024, 1, 1), "MARD"),
        ("Bộ Nông nghiệp và Phát triển nông thôn", dt.date(2025, 4, 1), "MAE"),
        ("Bộ GTVT", dt.date(2024, 1, 1), "MOT"),
        ("Bộ VH,TT&DL", dt.date(2024, 1, 1), "MOCST"),
        ("Ủy ban Dân tộc", dt.date(2026, 1, 1), "MERA"),
        ("UBND TP.HCM", dt.date(2024, 1, 1), "HCMC"),
        ("TP. Hồ Chí Minh", dt.date(2024, 1, 1), "HCMC"),
        ("UBND tỉnh Thừa Thiên Huế", dt.date(2023, 1, 1), "HUE"),
        ("UBND tỉnh Long An", dt.date(2026, 1, 1), "TAYNINH"),
        ("tỉnh Bình Dương", dt.date(2025, 9, 1), "HCMC"),
        ("UBND tỉnh Đắc Lắc", dt.date(2024, 1, 1), "DAKLAK"),
        ("Đài Truyền hình Việt Nam", dt.date(2024, 1, 1), "VTV"),
        ("Tổng Liên đoàn Lao động Việt Nam", dt.date(2024, 1, 1), "VGCL"),
        ("Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam", dt.date(2024, 1, 1), "VFF"),
    ],
)
def test_real_registry(text, on, code):
    from tracker.agencies.data import load_agency_records

    assert codes(f"{text} chủ trì", on, load_agency_records()) == [code]
