"""Word lists of conclusion notices, in folded form (lower case, no diacritics)."""

from __future__ import annotations

import re

# Words that open the predicate of a task; a clause starting with one of them has a carried subject.
TASK_VERBS = (
    "ap dung|ban giao|ban hanh|bao cao|bao dam|bo sung|bo tri|cai cach|can doi|cap nhat|cat giam|"
    "chi dao|chiu trach nhiem|chu dong|chu tri|chuan bi|chuyen doi|co trach nhiem|co y kien|"
    "cung cap|dam bao|danh gia|day manh|day nhanh|de xuat|dieu chinh|dieu tra|don doc|"
    "don gian hoa|dua|giai ngan|giai quyet|giam sat|gop y|ho tro|hoan tat|hoan thanh|hoan thien|"
    "huong dan|kien quyet|kiem soat|kiem tra|khan truong|khac phuc|ket noi|khoi cong|lam ro|"
    "lam viec|lap|lay y kien|lua chon|mo rong|nang cao|nang cap|nghien cuu|nhan rong|"
    "phan bo|phan cong|phan dau|phat trien|phe duyet|pho bien|phoi hop|quan ly|quan triet|"
    "quyet liet|ra soat|rut kinh nghiem|sap xep|so hoa|soan thao|sua doi|tang cuong|tap trung|"
    "tham dinh|tham gia|tham muu|thanh lap|thanh tra|theo doi|thong nhat voi|thu hoi|thuc day|"
    "thuc hien|tich hop|tiep nhan|tiep thu|tiep tuc|to chuc|tong hop|tong ket|trien khai|trinh|"
    "truyen thong|tuyen truyen|uu tien|ung dung|van dong|xac dinh|xay dung|xem xet|xu ly|"
    "som|khan cap|cong bo|gui|chi tra|thanh toan|bo tri|di doi|giai phong"
)
# Helper words that may sit between a subject and its verb.
MODALS = "cung|can|phai|duoc giao|duoc yeu cau|tiep tuc|khan truong|som|theo chuc nang"

# Openers that carry the previous subject ("Đồng thời, chủ trì ...").
CONNECTORS = (
    "dong thoi|ngoai ra|ben canh do|cung voi do|tren co so do|theo do|sau do|trong do|dac biet|"
    "truoc mat|mat khac|tiep theo|them vao do|cuoi cung|do do|vi vay|tu nay|trong thoi gian toi|"
    "thoi gian toi|bay gio|ngay sau do|song song voi do|can cu ket qua do"
)

# Titles of the heads of agencies ("Bộ trưởng Bộ Y tế", "Chủ tịch Ủy ban nhân dân tỉnh ...").
TITLES = (
    "bo truong|thu truong|pho chu tich|chu tich|thong doc|tong thanh tra|chu nhiem|"
    "tong giam doc|giam doc|lanh dao|nguoi dung dau|truong ban|thu truong cac co quan"
)

_ALT = re.compile(r"\|")


def alternation(words: str) -> str:
    """Return a regex alternation of `|`-separated words, longest first, on word boundaries."""
    items = sorted(set(_ALT.split(words)), key=len, reverse=True)
    return r"(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items) + r")\b"


VERB_RE = re.compile(r"\s*(?:" + alternation(MODALS) + r"\s*,?\s*)*" + alternation(TASK_VERBS))
CONNECTOR_RE = re.compile(r"\s*" + alternation(CONNECTORS) + r"\s*,?\s*")
TITLE_RE = alternation(TITLES)
