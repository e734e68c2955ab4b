"""Request examples shown in the OpenAPI document and the docs page."""

TASK_CREATE = {
    "directive_id": 1,
    "clause": "3.2",
    "title": "Hoàn thiện dự thảo Nghị định về định danh và xác thực điện tử",
    "lead_agency": "MPS",
    "coordinating_agencies": ["MOJ", "MOST"],
    "deadline_kind": "quarter",
    "due_date": "2026-09-30",
    "deadline_text": "Trong quý III/2026",
    "priority": "high",
}
GROUP_TASK_CREATE = {
    "directive_id": 1,
    "title": "Cung cấp đủ 25 dịch vụ công trực tuyến thiết yếu theo Đề án 06",
    "group": "all_provinces",
    "coordinating_agencies": ["MPS"],
    "deadline_kind": "date",
    "due_date": "2026-06-30",
}
PROGRESS = {"kind": "progress", "summary": "Đã lấy ý kiến các bộ, ngành", "percent": 60}
COMPLETION = {
    "kind": "completion",
    "summary": "Chính phủ đã ban hành Nghị định",
    "completed_on": "2026-09-12",
    "evidence": [{"document_number": "245/2026/NĐ-CP", "url": "https://vanban.chinhphu.vn/245"}],
}
REVIEW = {"decision": "return", "comment": "Đề nghị bổ sung báo cáo đánh giá tác động"}
EXTENSION = {"requested_due_date": "2026-12-31", "reason": "Chờ Luật sửa đổi được thông qua"}
DECISION = {"decision": "approve", "comment": "Đồng ý gia hạn đến 31/12/2026"}
CANCEL = {"reason": "Nhiệm vụ đã được giao tại Thông báo 312/TB-VPCP"}
DIRECTIVE_CREATE = {
    "number": "95/TB-VPCP",
    "title": "Kết luận của Thủ tướng tại phiên họp Ủy ban Quốc gia về chuyển đổi số",
    "kind": "conclusion_notice",
    "issued_on": "2026-03-18",
    "issuer": "Văn phòng Chính phủ",
}
