"""The API's Blueprint: strict argument parsing, authentication, documented errors."""

from __future__ import annotations

from http import HTTPStatus
from typing import ClassVar

from flask import g
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, missing
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from api.auth import require_user
from api.idempotency import remember_response, replay_or_claim


class StrictParser(FlaskParser):
    """Refuse unknown query parameters too, and use a fresh schema for every request."""

    DEFAULT_UNKNOWN_BY_LOCATION: ClassVar[dict] = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
        "querystring": RAISE,
    }

    def load_json(self, req, schema):
        """A JSON body is required wherever one is declared; an absent one is not `{}`."""
        data = super().load_json(req, schema)
        if data is missing:
            if req.get_data(cache=True):
                raise UnsupportedMediaType("Send the request body as application/json.")
            raise BadRequest("A JSON request body is required.")
        return data

    def _get_schema(self, argmap, req):
        if isinstance(argmap, Schema):
            return type(argmap)()
        return super()._get_schema(argmap, req)


class ApiBlueprint(Blueprint):
    """A resource blueprint whose every view needs an authenticated user."""

    ARGUMENTS_PARSER = StrictParser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before_request(require_user)
        self.before_request(replay_or_claim)
        self.after_request(remember_response)

    def errors(self, *codes: int):
        """Document the error responses a view can give, all in the one error shape.

        Every view may answer 401 (no valid token) and 429 (too many failed authentications).
        """

        def decorator(view):
            for code in sorted({401, 429, *codes}, reverse=True):
                view = self.alt_response(code, response=_response_name(code))(view)
            return view

        return decorator


def _response_name(code: int) -> str:
    """Return flask-smorest's registered response name for a status code."""
    return HTTPStatus(code).name


def current_user():
    """Return the authenticated user of this request."""
    return g.user
