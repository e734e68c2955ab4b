"""Splitting a pasted notice: page furniture, clause numbers, headings and sentences."""

from __future__ import annotations

from tracker.textimport.clauses import split_document, split_sentences, strip_marker


def texts(text: str) -> list[str]:
    """Return the kept lines of a pasted text."""
    return [line.text for line in split_document(text)]


def test_page_furniture_is_dropped():
    page = "\n".join(
        [
            "Trang chủ | Thời sự | Chính sách",
            "Thứ Bảy, 20/08/2022 09:15 (GMT+7)",
            "Chia sẻ",
            "Cỡ chữ: A A A | In bài | Gửi email",
            "Bộ Y tế chủ trì rà soát giá thuốc, hoàn thành trong quý III.",
            "Lượt xem: 1.234",
            "Từ khóa: y tế, giá thuốc",
            "Facebook Zalo",
            "© Bản quyền thuộc Báo Điện tử",
        ]
    )
    assert texts(page) == ["Bộ Y tế chủ trì rà soát giá thuốc, hoàn thành trong quý III."]


def test_related_headlines_are_skipped_until_the_text_resumes():
    page = (
        "Bộ Tài chính chủ trì rà soát.\nTin liên quan\nBộ Công an ra mắt ứng dụng VNeID\n"
        "Bộ Y tế đề xuất tăng giá dịch vụ\nBộ Xây dựng khẩn trương hướng dẫn định mức."
    )
    assert texts(page) == [
        "Bộ Tài chính chủ trì rà soát.",
        "Bộ Xây dựng khẩn trương hướng dẫn định mức.",
    ]


def test_comments_end_the_article():
    page = "Câu một.\nCâu hai.\nCâu ba.\nBình luận\nBạn đọc A: Bộ Công an cần khẩn trương làm rõ."
    assert texts(page) == ["Câu một.", "Câu hai.", "Câu ba."]


def test_recipients_and_signature_end_the_notice():
    notice = "1. Bộ Y tế chủ trì thực hiện./.\nNơi nhận:\n- Bộ Y tế;\n- Lưu: VT."
    assert texts(notice) == ["Bộ Y tế chủ trì thực hiện./."]


def test_the_news_agency_byline_is_cut():
    assert texts("(Chinhphu.vn) - Bộ Y tế vừa có văn bản.") == ["Bộ Y tế vừa có văn bản."]


def test_markers_give_depth_and_kind():
    assert strip_marker("II. NHIỆM VỤ") == ("NHIỆM VỤ", 0.0, True)
    assert strip_marker("2. Đối với Bộ Công an:") == ("Đối với Bộ Công an:", 1.0, True)
    assert strip_marker("2.1. Bộ Y tế") == ("Bộ Y tế", 2.0, True)
    assert strip_marker("a) Chủ trì") == ("Chủ trì", 3.0, True)
    assert strip_marker("đ) Chủ trì") == ("Chủ trì", 3.0, True)
    assert strip_marker("- Chủ trì") == ("Chủ trì", 4.0, False)
    assert strip_marker("• Chủ trì") == ("Chủ trì", 4.0, False)
    assert strip_marker("+ Chủ trì") == ("Chủ trì", 5.0, False)
    assert strip_marker("Bộ Y tế") == ("Bộ Y tế", None, False)


def test_headings_are_recognised():
    lines = split_document(
        "II. NHIỆM VỤ TRONG THỜI GIAN TỚI\n2. Đối với Bộ Công an:\n"
        "1. Về chuyển đổi số ngành y tế\nBộ Y tế chủ trì, phối hợp với Bộ Tài chính rà soát các "
        "quy định về đấu thầu thuốc tại các cơ sở y tế công lập."
    )
    assert [line.heading for line in lines] == [True, True, True, False]


def test_hard_wrapped_lines_are_joined():
    assert texts("Bộ Tài chính chủ trì, phối hợp với\ncác cơ quan liên quan rà soát.") == [
        "Bộ Tài chính chủ trì, phối hợp với các cơ quan liên quan rà soát."
    ]


def test_sentences_split_at_full_stops_before_capitals():
    line = "Bộ Y tế chủ trì. Đồng thời, phối hợp với Bộ Tư pháp. 2. Bộ Công an khẩn trương."
    assert split_sentences(line) == [
        "Bộ Y tế chủ trì.",
        "Đồng thời, phối hợp với Bộ Tư pháp.",
        "2. Bộ Công an khẩn trương.",
    ]


def test_abbreviations_and_numbers_do_not_end_sentences():
    line = "UBND TP. Hồ Chí Minh bố trí 1.000 tỷ đồng, hoàn thành trước ngày 15.6.2025."
    assert split_sentences(line) == [line]


def test_empty_and_blank_text_gives_no_lines():
    assert split_document("") == []
    assert split_document(" \n\t\n ") == []
