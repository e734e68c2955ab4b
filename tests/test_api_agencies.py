"""Agency registry endpoints: listing, filters, accent-free search, look-up by code."""

from __future__ import annotations

import pytest

URL = "/api/v1/agencies"


def codes(client, headers, query: str = "") -> list[str]:
    """Return the codes of every agency matching a query (one big page)."""
    response = client.get(f"{URL}?page_size=200&{query}", headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["total"] == len(response.json["items"])
    return [agency["code"] for agency in response.json["items"]]


def test_list_has_the_whole_registry(client, viewer):
    page = client.get(URL, headers=viewer).json
    assert page["total"] == 100
    assert page["page"] == 1 and page["page_size"] == 50
    assert len(page["items"]) == 50
    rest = client.get(f"{URL}?page=2", headers=viewer).json
    seen = {a["code"] for a in page["items"]} | {a["code"] for a in rest["items"]}
    assert len(seen) == 100
    assert client.get(f"{URL}?page=3", headers=viewer).json["items"] == []


def test_representation(client, viewer):
    (mof,) = [
        a
        for a in client.get(f"{URL}?page_size=200", headers=viewer).json["items"]
        if a["code"] == "MOF"
    ]
    assert mof["name"] == "Bộ Tài chính"
    assert mof["name_en"] == "Ministry of Finance"
    assert mof["kind"] == "ministry"
    assert "BTC" in mof["abbreviations"]
    assert mof["successor"] is None and mof["valid_until"] is None


def test_filter_by_kind_and_currency(client, viewer):
    assert len(codes(client, viewer, "kind=province")) == 63
    current = codes(client, viewer, "current=true&kind=province")
    assert len(current) == 34
    assert "TAYNINH" in current and "LONGAN" not in current
    merged = codes(client, viewer, "current=false&kind=province")
    assert len(merged) == 29 and "LONGAN" in merged
    ministries = codes(client, viewer, "kind=ministry&current=true")
    assert {"MOF", "MPS", "MOST", "MAE"} <= set(ministries)
    assert "MIC" not in ministries


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tai chinh", "MOF"),
        ("Tài Chính", "MOF"),
        ("TAI CHINH", "MOF"),
        ("ministry of finance", "MOF"),
        ("BTC", "MOF"),
        ("Bo TT%26TT", "MIC"),
        ("Bộ TT%26TT", "MIC"),
        ("bo tn%26mt", "MONRE"),
        ("VPCP", "OOG"),
        ("long an", "LONGAN"),
        ("UBND tinh Long An", "LONGAN"),
        ("dinh danh", None),
    ],
)
def test_search_ignores_accents_and_case(client, viewer, query, expected):
    found = codes(client, viewer, f"q={query}")
    if expected is None:
        assert found == []
    else:
        assert expected in found


def test_search_is_narrow(client, viewer):
    assert codes(client, viewer, "q=bo tai chinh") == ["MOF"]
    # Every word must start a word of a name: "long an" does not find Vĩnh Long ("ban", "dân").
    assert set(codes(client, viewer, "q=long an")) == {"LONGAN"}


def test_search_with_like_wildcards_is_literal(client, viewer):
    assert codes(client, viewer, "q=%25") == []
    assert codes(client, viewer, "q=_") == []


def test_get_by_code_with_successor(client, viewer):
    response = client.get(f"{URL}/LONGAN", headers=viewer)
    assert response.status_code == 200
    body = response.json
    assert body["code"] == "LONGAN"
    assert body["kind"] == "province"
    assert body["successor"] == "TAYNINH"
    assert body["valid_until"] == "2025-06-30"
    successor = client.get(f"{URL}/TAYNINH", headers=viewer).json
    assert successor["successor"] is None and successor["valid_until"] is None


def test_get_merged_ministry(client, viewer):
    body = client.get(f"{URL}/MIC", headers=viewer).json
    assert body["successor"] == "MOST" and body["valid_until"] == "2025-02-28"
    assert "Bộ TT&TT" in body["abbreviations"]


@pytest.mark.parametrize("code", ["NOPE", "mof", "X" * 300, "%00"])
def test_unknown_code_is_404(client, viewer, code):
    response = client.get(f"{URL}/{code}", headers=viewer)
    assert response.status_code == 404
    assert response.json["code"] == "not_found"


@pytest.mark.parametrize("role", ["viewer", "agency", "office", "admin"])
def test_every_role_can_read(client, make, role):
    headers = make.auth(role, "MOF" if role == "agency" else None)
    assert client.get(URL, headers=headers).json["total"] == 100
    assert client.get(f"{URL}/MOF", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "kind=planet",
        "current=perhaps",
        "page=0",
        "page_size=201",
        "page=abc",
        "q=" + "x" * 101,
        "colour=red",
    ],
)
def test_bad_list_parameters_are_422(client, viewer, query):
    response = client.get(f"{URL}?{query}", headers=viewer)
    assert response.status_code == 422, response.json
    assert response.json["code"] == "validation_error"


def test_registry_is_read_only(client, admin):
    assert client.post(URL, json={"code": "NEW"}, headers=admin).status_code == 405
    assert client.delete(f"{URL}/MOF", headers=admin).status_code == 405
