"""Vietnamese wording for generated directives and tasks: verbs, objects, topics, scopes."""

from __future__ import annotations

# Verbs that take a document (a draft decree, a scheme, a plan) as their object.
DOCUMENT_VERBS = (
    "Xây dựng",
    "Hoàn thiện",
    "Trình Chính phủ",
    "Trình Thủ tướng Chính phủ",
    "Rà soát, sửa đổi, bổ sung",
    "Khẩn trương hoàn thiện hồ sơ",
    "Nghiên cứu, xây dựng",
    "Lấy ý kiến các bộ, ngành, địa phương về",
    "Hoàn thành thẩm định",
    "Ban hành theo thẩm quyền",
)

DOCUMENTS = (
    "nghị định quy định chi tiết Luật Đất đai",
    "nghị định về quản lý, kết nối và chia sẻ dữ liệu",
    "nghị định sửa đổi, bổ sung các quy định về đầu tư công",
    "nghị định hướng dẫn Luật Công nghiệp công nghệ số",
    "đề án phát triển nguồn nhân lực ngành công nghiệp bán dẫn",
    "đề án phát triển nhà ở xã hội cho công nhân khu công nghiệp",
    "kế hoạch thực hiện Quy hoạch tổng thể quốc gia",
    "chương trình mục tiêu quốc gia xây dựng nông thôn mới",
    "chiến lược phát triển kinh tế số và xã hội số",
    "quy hoạch mạng lưới cơ sở giáo dục đại học",
    "thông tư hướng dẫn định mức kinh tế - kỹ thuật",
    "quy chế phối hợp cung cấp thông tin phục vụ chỉ đạo, điều hành",
    "bộ tiêu chí đánh giá mức độ hài lòng của người dân, doanh nghiệp",
    "khung pháp lý thử nghiệm có kiểm soát đối với công nghệ tài chính",
    "phương án sắp xếp, xử lý tài sản công dôi dư",
    "báo cáo tổng kết thi hành Luật Ngân sách nhà nước",
    "dự án Luật Quản lý thuế (sửa đổi)",
    "quy trình liên thông điện tử thủ tục đăng ký khai sinh, đăng ký thường trú",
    "danh mục dự án trọng điểm quốc gia ngành giao thông vận tải",
    "cơ chế, chính sách đặc thù phát triển vùng đồng bằng sông Cửu Long",
    "kế hoạch ứng phó với biến đổi khí hậu",
    "chương trình phát triển thị trường các-bon",
)

# Verbs that take an undertaking (a programme, a system, an activity) as their object.
ACTION_VERBS = (
    "Triển khai",
    "Đẩy nhanh tiến độ",
    "Tăng cường chỉ đạo",
    "Đẩy mạnh",
    "Kiểm tra, đôn đốc",
    "Tổ chức thực hiện hiệu quả",
    "Tháo gỡ khó khăn, vướng mắc trong",
    "Báo cáo Thủ tướng Chính phủ kết quả",
    "Tổng kết, đánh giá",
    "Tập trung chỉ đạo",
)

ACTIONS = (
    "việc cung cấp dịch vụ công trực tuyến toàn trình",
    "giải ngân vốn đầu tư công",
    "dự án đường bộ cao tốc Bắc - Nam phía Đông",
    "công tác phòng, chống thiên tai và tìm kiếm cứu nạn",
    "hệ thống định danh và xác thực điện tử",
    "việc cấp căn cước cho người dân",
    "chuyển đổi số trong lĩnh vực y tế",
    "bệnh án điện tử tại các cơ sở khám bệnh, chữa bệnh",
    "hóa đơn điện tử khởi tạo từ máy tính tiền",
    "thanh toán không dùng tiền mặt",
    "công tác bảo đảm an ninh mạng",
    "việc cung ứng điện cho sản xuất và tiêu dùng",
    "chương trình xóa nhà tạm, nhà dột nát",
    "việc cắt giảm, đơn giản hóa thủ tục hành chính",
    "công tác phòng, chống buôn lậu, gian lận thương mại",
    "tiêu thụ nông sản cho nông dân",
    "công tác bảo vệ môi trường lưu vực sông",
    "dự án Cảng hàng không quốc tế Long Thành",
    "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "sắp xếp tổ chức bộ máy và chính quyền địa phương hai cấp",
    "kiểm soát giá cả, bình ổn thị trường dịp Tết Nguyên đán",
    "khắc phục hậu quả mưa lũ",
    "chống khai thác hải sản bất hợp pháp, không báo cáo và không theo quy định",
    "đào tạo nguồn nhân lực công nghệ số",
    "ứng dụng VNeID trong giải quyết thủ tục hành chính",
    "dự án đường sắt tốc độ cao trên trục Bắc - Nam",
    "cơ sở dữ liệu quốc gia về đất đai",
    "Trung tâm dữ liệu quốc gia",
)

SCOPES = (
    "",
    "",
    "",
    " trên phạm vi cả nước",
    " tại các địa phương",
    " theo chỉ đạo của Thủ tướng Chính phủ",
    " bảo đảm tiến độ, chất lượng",
    " gắn với Đề án 06",
    " giai đoạn 2026 - 2030",
)

TOPICS = (
    "chuyển đổi số quốc gia",
    "giải ngân vốn đầu tư công",
    "phát triển nhà ở xã hội",
    "thúc đẩy tăng trưởng kinh tế",
    "phòng, chống thiên tai",
    "cải cách thủ tục hành chính",
    "bảo đảm cung ứng điện",
    "phát triển thị trường vốn",
    "xây dựng đường bộ cao tốc",
    "phát triển khoa học, công nghệ và đổi mới sáng tạo",
    "bảo đảm an ninh lương thực",
    "phát triển du lịch",
    "xuất khẩu nông, lâm, thủy sản",
    "phòng, chống dịch bệnh",
    "quản lý thị trường vàng",
    "chống khai thác hải sản bất hợp pháp",
    "sắp xếp đơn vị hành chính",
    "phát triển nguồn nhân lực chất lượng cao",
    "ứng phó với biến đổi khí hậu",
    "xây dựng Chính phủ điện tử",
    "thu ngân sách nhà nước",
    "bảo đảm trật tự, an toàn giao thông",
    "phát triển kinh tế tư nhân",
    "quản lý, sử dụng đất đai",
    "triển khai Đề án 06",
)

CANCEL_REASONS = (
    "Nhiệm vụ không còn phù hợp với tình hình thực tế.",
    "Nội dung đã được giao tại văn bản chỉ đạo khác.",
    "Theo đề nghị của cơ quan chủ trì, được Thủ tướng Chính phủ đồng ý.",
    "Cơ quan chủ trì đã sắp xếp lại; nhiệm vụ được giao lại cho cơ quan kế thừa.",
)

LEADERS = ("Thủ tướng Chính phủ", "Phó Thủ tướng Chính phủ", "Thường trực Chính phủ")

# Number suffix -> (directive kind, issuer, share of directives).
SERIES = {
    "TB-VPCP": ("conclusion_notice", "Văn phòng Chính phủ", 40),
    "VPCP-KTTH": ("official_letter", "Văn phòng Chính phủ", 8),
    "VPCP-KGVX": ("official_letter", "Văn phòng Chính phủ", 7),
    "VPCP-NN": ("official_letter", "Văn phòng Chính phủ", 6),
    "VPCP-CN": ("official_letter", "Văn phòng Chính phủ", 6),
    "VPCP-QHĐP": ("official_letter", "Văn phòng Chính phủ", 5),
    "QĐ-TTg": ("decision", "Thủ tướng Chính phủ", 12),
    "CT-TTg": ("directive", "Thủ tướng Chính phủ", 6),
    "NQ-CP": ("resolution", "Chính phủ", 10),
}

# Directive title by kind.
TITLES = {
    "conclusion_notice": "Thông báo Kết luận của {leader} tại cuộc họp về {topic}",
    "resolution": "Nghị quyết phiên họp Chính phủ thường kỳ tháng {day.month} năm {day.year}",
    "decision": "Quyết định ban hành Kế hoạch triển khai nhiệm vụ về {topic}",
    "directive": "Chỉ thị về tăng cường {topic}",
    "official_letter": "Về việc {topic}",
}

# Relative weight of leading tasks by agency kind, and for the busiest agencies.
KIND_WEIGHTS = {
    "ministry": 3.0,
    "ministry_level": 2.0,
    "government_agency": 1.0,
    "province": 1.0,
    "organisation": 0.2,
}
BUSY_AGENCIES = {
    "MPS": 9.0,
    "MOF": 9.0,
    "MPI": 7.0,
    "MOIT": 6.0,
    "MOST": 6.0,
    "MOC": 6.0,
    "MAE": 6.0,
    "MOH": 5.0,
    "MOET": 5.0,
    "MONRE": 4.0,
    "MARD": 4.0,
    "MOT": 4.0,
    "MIC": 4.0,
    "MOHA": 4.0,
    "MOJ": 4.0,
    "SBV": 4.0,
    "HANOI": 5.0,
    "HCMC": 5.0,
    "OOG": 3.0,
}
