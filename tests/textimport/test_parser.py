"""Proposed tasks: subjects, co-ordinators, carried subjects, headings, groups and titles."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from tracker.errors import InvalidInput
from tracker.textimport import MAX_TEXT_CHARS, ProposedTask, parse_directive_text

ISSUED = dt.date(2024, 4, 12)


def tasks(text: str, issued_on: dt.date = ISSUED, agencies=None) -> list[ProposedTask]:
    """Parse a notice against the shipped registry unless records are given."""
    return parse_directive_text(text, issued_on, agencies)


def brief(text: str, issued_on: dt.date = ISSUED) -> list[tuple]:
    """Return (lead or group, co-ordinators, kind, due date) of each proposed task."""
    return [
        (
            t.lead_agency or t.group,
            list(t.coordinating_agencies),
            t.deadline_kind,
            t.due_date.isoformat() if t.due_date else None,
        )
        for t in tasks(text, issued_on)
    ]


def test_a_lead_agency_with_a_month_deadline():
    text = (
        "Bộ Tài chính chủ trì hoàn thiện dự thảo Nghị định về thuế, trình Chính phủ trong tháng 9."
    )
    [task] = tasks(text)
    assert task.lead_agency == "MOF"
    assert task.coordinating_agencies == ()
    assert (task.deadline_kind, task.due_date) == ("month", dt.date(2024, 9, 30))
    assert task.deadline_text == "trong tháng 9"
    assert task.title == "Hoàn thiện dự thảo Nghị định về thuế, trình Chính phủ"
    assert task.source == text


def test_co_ordinating_agencies_follow_phoi_hop_voi():
    text = (
        "Bộ Y tế chủ trì, phối hợp với Bộ KH&CN và các cơ quan liên quan triển khai sổ sức khỏe "
        "điện tử, hoàn thành trong quý III."
    )
    assert brief(text) == [("MOH", ["MOST"], "quarter", "2024-09-30")]
    assert tasks(text)[0].title == "Triển khai sổ sức khỏe điện tử"


def test_the_subject_of_phoi_hop_cung_is_the_lead():
    text = (
        "Thanh tra Chính phủ có trách nhiệm phối hợp cùng Bộ Nội vụ rà soát các kết luận thanh tra."
    )
    assert brief(text) == [("GI", ["MOHA"], "none", None)]
    assert tasks(text)[0].title == "Rà soát các kết luận thanh tra"


def test_cung_duoc_yeu_cau_keeps_the_subject():
    [task] = tasks("Bộ Xây dựng cũng được yêu cầu khẩn trương hướng dẫn định mức, đơn giá.")
    assert task.lead_agency == "MOC"
    assert task.title.startswith("Khẩn trương hướng dẫn")


def test_the_subject_is_carried_to_the_next_sentence():
    text = (
        "Bộ Y tế chủ trì, phối hợp với Bộ Tài chính rà soát giá thuốc, hoàn thành trước ngày "
        "30/6/2024. Đồng thời, chủ trì, phối hợp với Bộ Tư pháp nghiên cứu sửa đổi Luật Dược, "
        "báo cáo Thủ tướng Chính phủ trong quý III."
    )
    assert brief(text) == [
        ("MOH", ["MOF"], "date", "2024-06-30"),
        ("MOH", ["MOJ"], "quarter", "2024-09-30"),
    ]
    assert tasks(text)[1].title.startswith("Nghiên cứu sửa đổi Luật Dược")


def test_the_subject_is_carried_after_a_semicolon_with_dong_thoi():
    text = (
        "Thủ tướng giao Bộ Y tế cung cấp đủ vắc xin trong năm 2024; đồng thời hướng dẫn tiêu chí "
        "đánh giá cấp độ dịch, hoàn thành trước ngày 15/11."
    )
    assert brief(text) == [("MOH", [], "year", "2024-12-31"), ("MOH", [], "date", "2024-11-15")]


def test_a_heading_names_the_subject_of_its_bullets():
    text = (
        "2. Đối với Bộ Công an:\n- Chủ trì, phối hợp với Bộ Quốc phòng rà soát quy chế phối hợp, "
        "hoàn thành trong tháng 6.\n- Khẩn trương hoàn thiện Cơ sở dữ liệu quốc gia về dân cư.\n"
        "3. Giao Bộ Tư pháp thẩm định dự thảo Nghị định trước ngày 15/5/2024."
    )
    assert brief(text) == [
        ("MPS", ["MOD"], "month", "2024-06-30"),
        ("MPS", [], "none", None),
        ("MOJ", [], "date", "2024-05-15"),
    ]


def test_a_heading_with_giao_and_lettered_items():
    text = "1. Giao Bộ Công Thương:\na) Hoàn thiện cơ chế mua bán điện trực tiếp trong quý II.\n"
    assert brief(text) == [("MOIT", [], "quarter", "2024-06-30")]


def test_an_inline_heading_before_a_colon():
    text = "- Bộ Khoa học và Công nghệ: chủ trì xây dựng Nghị định, trình Chính phủ trong tháng 5."
    assert brief(text) == [("MOST", [], "month", "2024-05-31")]


def test_an_inline_heading_with_several_sentences():
    text = "Bộ Y tế: chủ trì rà soát giá thuốc. Khẩn trương hướng dẫn điều trị trong tháng 6."
    assert brief(text) == [("MOH", [], "none", None), ("MOH", [], "month", "2024-06-30")]


def test_unnumbered_headings_hold_their_bullets_until_the_next_clause():
    text = (
        "1. Các nhiệm vụ cụ thể:\n- Bộ Y tế chủ trì rà soát giá thuốc.\nBộ Xây dựng:\n"
        "- Chủ trì rà soát định mức.\n- Hướng dẫn công bố giá vật liệu.\n"
        "2. Bộ Tài chính bố trí vốn.\n- Tập trung giải ngân vốn đầu tư công."
    )
    assert [lead for lead, *_ in brief(text)] == ["MOH", "MOC", "MOC", "MOF"]


def test_a_lead_in_heading_passes_its_co_ordinators_and_deadline_to_its_bullets():
    text = (
        "a) Bộ Tài chính chủ trì, phối hợp với Bộ Tư pháp, hoàn thành trong quý III:\n"
        "- Rà soát các quy định về phí, lệ phí;\n"
        "- Đề xuất sửa đổi Nghị định về thuế trước ngày 30/6."
    )
    assert brief(text) == [
        ("MOF", ["MOJ"], "quarter", "2024-09-30"),
        ("MOF", ["MOJ"], "date", "2024-06-30"),
    ]


def test_a_heading_whose_items_are_not_tasks_is_the_task():
    text = (
        "Bộ Tư pháp chủ trì rà soát các văn bản sau, hoàn thành trong tháng 10:\n"
        "- Nghị định số 15/2020/NĐ-CP;\n- Nghị định số 91/2022/NĐ-CP."
    )
    [task] = tasks(text)
    assert (task.lead_agency, task.deadline_kind) == ("MOJ", "month")
    assert "Nghị định số 91/2022/NĐ-CP" in task.source


def test_a_bullet_does_not_inherit_the_subject_of_the_bullet_above():
    text = (
        "Thủ tướng Chính phủ yêu cầu:\n- Bộ Y tế khẩn trương hướng dẫn điều trị.\n"
        "- Tập trung cao độ cho công tác phòng dịch.\n"
        "- Đồng thời, chủ trì rà soát giá thuốc trong tháng 6."
    )
    assert brief(text) == [("MOH", [], "none", None), ("MOH", [], "month", "2024-06-30")]


def test_a_text_written_without_capitals():
    text = (
        "bộ tài chính chủ trì, phối hợp với bộ kế hoạch và đầu tư rà soát nguồn vốn, hoàn thành "
        "trong tháng 5. ubnd tỉnh quảng ninh khẩn trương bàn giao mặt bằng."
    )
    assert brief(text) == [("MOF", ["MPI"], "month", "2024-05-31"), ("QUANGNINH", [], "none", None)]


def test_the_government_office_has_tasks_when_they_have_a_deadline():
    text = "Giao Văn phòng Chính phủ theo dõi, đôn đốc, báo cáo Thủ tướng Chính phủ trong tháng 12."
    assert brief(text) == [("OOG", [], "month", "2024-12-31")]


def test_a_deadline_stated_on_its_own_line_joins_the_task_above():
    text = "- Bộ Tài chính: bố trí kinh phí năm 2025 cho các bộ.\nThời hạn hoàn thành: Quý I/2025."
    assert brief(text) == [("MOF", [], "quarter", "2025-03-31")]


@pytest.mark.parametrize(
    ("subject", "group"),
    [
        ("Các bộ, ngành, địa phương", "all"),
        ("Các bộ, cơ quan ngang bộ", "all_ministries"),
        ("Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", "all_ministries"),
        ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", "all_provinces"),
        ("Các địa phương", "all_provinces"),
        (
            "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ, Ủy ban nhân dân các tỉnh, thành "
            "phố trực thuộc Trung ương",
            "all",
        ),
    ],
)
def test_groups_as_subjects(subject, group):
    [task] = tasks(f"{subject} tập trung rà soát thủ tục hành chính, hoàn thành trong năm 2024.")
    assert (task.lead_agency, task.group) == (None, group)
    assert task.deadline_kind == "year"


def test_a_group_heading_passes_to_its_bullets():
    text = "1. Các bộ, ngành, địa phương:\n- Thường xuyên rà soát thủ tục.\n- Cắt giảm 20% giấy tờ."
    assert brief(text) == [("all", [], "regular", None), ("all", [], "none", None)]


def test_a_subset_of_a_group_has_no_lead():
    [task] = tasks("Các bộ, ngành liên quan khẩn trương rà soát quy định.")
    assert (task.lead_agency, task.group) == (None, None)
    assert task.confidence < 0.5


def test_several_leads_give_one_task_each():
    text = (
        "Ủy ban nhân dân các tỉnh: Nghệ An, Hà Tĩnh, Quảng Bình hoàn thành bàn giao mặt bằng "
        "trước ngày 15/6."
    )
    assert brief(text) == [
        ("NGHEAN", [], "date", "2024-06-15"),
        ("HATINH", [], "date", "2024-06-15"),
        ("QUANGBINH", [], "date", "2024-06-15"),
    ]


def test_a_subject_after_an_introductory_phrase():
    text = (
        "Về dự án đường sắt đô thị số 1, UBND TP. Hồ Chí Minh khẩn trương đưa dự án vào vận hành."
    )
    assert brief(text)[0][0] == "HCMC"


def test_yeu_cau_and_de_nghi_introduce_the_subject():
    assert brief("Yêu cầu Bộ Tài chính hướng dẫn cơ chế, chậm nhất trước ngày 20/12.") == [
        ("MOF", [], "date", "2024-12-20")
    ]
    assert brief("Đề nghị Tổng Liên đoàn Lao động Việt Nam phối hợp với Bộ Nội vụ hướng dẫn.") == [
        ("VGCL", ["MOHA"], "none", None)
    ]


def test_chu_tri_then_another_agency_phoi_hop():
    text = "Bộ Xây dựng chủ trì, Bộ Tài chính phối hợp rà soát định mức trong quý II."
    assert brief(text) == [("MOC", ["MOF"], "quarter", "2024-06-30")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Thủ tướng Chính phủ đánh giá cao Bộ Giao thông vận tải đã nỗ lực khắc phục khó khăn.",
        "Năm 2023, Bộ Y tế đã hoàn thành tiêm chủng, đạt được kết quả tích cực.",
        "Theo Thông báo, thời gian qua, Bộ Công an đã chủ trì triển khai quyết liệt Đề án.",
        "Sau khi nghe Bộ Xây dựng báo cáo và ý kiến của các đại biểu, Thủ tướng kết luận như sau:",
        "Văn phòng Chính phủ thông báo để các cơ quan, địa phương liên quan biết, thực hiện./.",
        "3. Văn phòng Chính phủ theo dõi, đôn đốc theo chức năng, nhiệm vụ được giao.",
        "Tham dự cuộc họp có lãnh đạo các Bộ: Tài chính, Tư pháp, Công an.",
        "Khẩn trương hoàn thiện hồ sơ dự án.",
        "Sau khi nghe Bộ Khoa học và Công nghệ, Bộ Công an báo cáo, Thủ tướng kết luận như sau:",
        "VĂN PHÒNG CHÍNH PHỦ\nKết luận của Thủ tướng Chính phủ tại cuộc họp về giải ngân vốn",
    ],
)
def test_sentences_that_assign_nothing(sentence):
    assert tasks(sentence) == []


def test_historical_agencies_resolve_as_of_the_notice_date():
    assert brief("Bộ TT&TT chủ trì hướng dẫn các địa phương.", dt.date(2022, 8, 20))[0][0] == "MIC"
    assert brief("Bộ TT&TT chủ trì hướng dẫn các địa phương.", dt.date(2025, 8, 20))[0][0] == "MOST"
    text = "Bộ Kế hoạch và Đầu tư chủ trì tổng hợp nhu cầu vốn."
    assert brief(text, dt.date(2026, 1, 5))[0][0] == "MOF"
    assert (
        brief("UBND tỉnh Long An khẩn trương giải phóng mặt bằng.", dt.date(2026, 1, 5))[0][0]
        == "TAYNINH"
    )


def test_pasted_page_furniture_gives_no_tasks():
    page = (
        "Trang chủ | Chính phủ | Chỉ đạo\nChia sẻ\nTin liên quan\n"
        "Bộ Công an ra mắt ứng dụng VNeID\n"
        "Bộ Y tế chủ trì rà soát giá thuốc trong tháng 5.\nLượt xem: 2.345\nBình luận\n"
        "Bạn đọc A: Bộ Tài chính cần khẩn trương giảm thuế."
    )
    assert brief(page) == [("MOH", [], "month", "2024-05-31")]


def test_agencies_can_be_given_as_records():
    records = [{"code": "XYZ", "name": "Bộ Thử nghiệm", "kind": "ministry"}]
    [task] = tasks("Bộ Thử nghiệm chủ trì đánh giá, hoàn thành trong quý II.", agencies=records)
    assert task.lead_agency == "XYZ"


def test_to_dict_is_json_ready_with_the_contract_keys():
    [task] = tasks("Bộ Tư pháp chủ trì thẩm định dự thảo, hoàn thành trước ngày 15/6/2024.")
    data = task.to_dict()
    assert list(data) == [
        "source",
        "title",
        "lead_agency",
        "coordinating_agencies",
        "group",
        "deadline_kind",
        "due_date",
        "deadline_text",
        "confidence",
    ]
    assert data["due_date"] == "2024-06-15"
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_titles_are_short_and_start_with_the_verb():
    long_object = ", ".join(["rà soát quy định về thủ tục hành chính trong lĩnh vực đất đai"] * 10)
    [task] = tasks(f"Bộ Tài chính có trách nhiệm {long_object}, hoàn thành trong tháng 6.")
    assert len(task.title) <= 200
    assert task.title.startswith("Rà soát quy định")
    assert task.title.endswith("…")


def test_confidence_is_higher_for_an_explicit_lead():
    explicit, carried = tasks("Bộ Y tế chủ trì rà soát. Đồng thời, hướng dẫn các địa phương.")
    assert 0 <= carried.confidence < explicit.confidence <= 1


def test_an_issued_on_datetime_is_accepted():
    [task] = tasks("Bộ Y tế chủ trì rà soát trong tháng 5.", dt.datetime(2024, 4, 12, 9, 30))
    assert task.due_date == dt.date(2024, 5, 31)


@pytest.mark.parametrize("text", ["", "   \n\t  ", "\u00a0\u2028"])
def test_empty_text_is_refused(text):
    with pytest.raises(InvalidInput) as error:
        tasks(text)
    assert "text" in error.value.fields


def test_text_over_the_maximum_is_refused():
    with pytest.raises(InvalidInput):
        tasks("a" * (MAX_TEXT_CHARS + 1))


def test_binary_garbage_is_refused():
    garbage = bytes(range(256)).decode("latin-1") * 20
    with pytest.raises(InvalidInput):
        tasks(garbage)
    with pytest.raises(InvalidInput):
        tasks(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe".decode("utf-8", "replace") * 10)


@pytest.mark.parametrize("issued_on", [None, "2024-01-01", dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_an_unknown_notice_date_is_refused(issued_on):
    with pytest.raises(InvalidInput) as error:
        tasks("Bộ Y tế chủ trì rà soát.", issued_on)
    assert "issued_on" in error.value.fields


def test_a_ten_page_notice_parses_well_under_a_second():
    clause = (
        "{n}. Bộ Tài chính chủ trì, phối hợp với Bộ Kế hoạch và Đầu tư, Ủy ban nhân dân các tỉnh: "
        "Nghệ An, Hà Tĩnh rà soát, bố trí vốn cho các dự án trọng điểm, báo cáo Thủ tướng "
        "Chính phủ trước ngày 15/6/2024. Đồng thời, hướng dẫn các địa phương thực hiện "
        "trong quý III.\n"
        "- Các bộ, ngành, địa phương thường xuyên kiểm tra, đôn đốc việc thực hiện.\n"
    )
    text = "".join(clause.format(n=n) for n in range(1, 121))  # about 45,000 characters
    tasks("Bộ Y tế chủ trì.")  # the matcher is built once, not per call
    started = time.perf_counter()
    proposed = tasks(text)
    assert time.perf_counter() - started < 1.0
    assert len(proposed) == 120 * 3
