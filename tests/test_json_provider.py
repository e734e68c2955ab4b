"""The orjson JSON provider writes the bytes Flask's default provider wrote."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from api.jsonprovider import OrjsonProvider


@pytest.mark.parametrize(
    "value",
    [
        {"b": 1, "a": [1, 2.5, None, True, False], "ä": "Bộ Tài chính", "z": {"y": 1, "x": 2}},
        {"text": '\x00\x01\x1f\x7f\b\f\n\r\t"\\/ \u2028\u2029 😀'},
        {"day": dt.date(2026, 5, 4), "at": dt.datetime(2026, 5, 4, 1, 2, 3, tzinfo=dt.UTC)},
        {"huge": 2**70, "small": -(2**70)},
        [{"id": 1}, "x", 3],
        {1: "int keys", 2: "sorted"},
    ],
)
def test_orjson_provider_writes_what_flask_wrote(value):
    app = Flask(__name__)
    expected = DefaultJSONProvider(app)
    expected.ensure_ascii = False
    ours = OrjsonProvider(app)
    with app.app_context():
        assert ours.response(value).get_data() == expected.response(value).get_data()


def test_orjson_provider_fails_on_lone_surrogates_as_flask_did():
    app = Flask(__name__)
    expected = DefaultJSONProvider(app)
    expected.ensure_ascii = False
    with app.app_context():
        for provider in (expected, OrjsonProvider(app)):
            with pytest.raises(UnicodeEncodeError):
                provider.response({"lone": "a\ud800b"})
