"""Vietnamese labels of the statistics' vocabulary, for exports, the calendar and the page."""

from __future__ import annotations

BUCKET_LABELS = {
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành quá hạn",
    "open_in_term": "Đang thực hiện trong hạn",
    "open_overdue": "Quá hạn chưa hoàn thành",
    "regular": "Thường xuyên, không thời hạn",
    "withdrawn": "Đã rút",
}
STATUS_LABELS = {
    "assigned": "Đã giao",
    "in_progress": "Đang thực hiện",
    "submitted": "Chờ duyệt kết quả",
    "completed": "Đã hoàn thành",
    "cancelled": "Đã rút",
}
KIND_LABELS = {
    "ministry": "Bộ",
    "ministry_level": "Cơ quan ngang bộ",
    "government_agency": "Cơ quan thuộc Chính phủ",
    "province": "Tỉnh, thành phố",
    "organisation": "Tổ chức",
}
PRIORITY_LABELS = {"normal": "Bình thường", "high": "Cao", "urgent": "Khẩn"}
BASIS_LABELS = {"effective": "Hạn hiện hành (sau gia hạn)", "original": "Hạn ban đầu"}
TOTAL_LABEL = "Tổng số"
RATE_LABEL = "Tỷ lệ đúng hạn"
GROUP_LABELS = {
    "all_ministries": "Các bộ, cơ quan ngang bộ",
    "all_provinces": "Các tỉnh, thành phố",
    "custom": "Nhóm cơ quan",
}
MERGE_LABELS = {"none": "Theo cơ quan được giao", "successor": "Gộp vào cơ quan kế thừa"}
