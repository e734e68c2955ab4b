"""Schema base classes and fields that refuse hostile input with a clear message."""

from __future__ import annotations

import datetime as dt
import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from tracker.text import nfc

MIN_DATE = dt.date(1945, 9, 2)
MAX_DATE = dt.date(2100, 12, 31)
DATE_PATTERN = r"^(194[5-9]|19[5-9]\d|20\d\d|2100)-\d\d-\d\d$"
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
CODE_PATTERN = re.compile(r"^[A-Z0-9_]{2,32}$")
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")
MAX_URL_LENGTH = 2000


class StrictSchema(Schema):
    """Base of every input schema: unknown fields are an error."""

    class Meta:
        unknown = RAISE


class OutSchema(Schema):
    """Base of every output schema."""


class Text(fields.String):
    """A string stored as NFC, without NUL characters, within a maximum length."""

    def __init__(self, max_length: int, *, min_length: int = 0, strip: bool = True, **kwargs):
        self.max_length, self.min_length, self.strip = max_length, min_length, strip
        kwargs.setdefault("metadata", {}).setdefault("maxLength", max_length)
        if min_length:
            kwargs["metadata"].setdefault("minLength", min_length)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("NUL characters are not allowed.")
        if _SURROGATES.search(text):
            raise ValidationError("Not valid Unicode text (lone surrogate).")
        text = nfc(text.strip() if self.strip else text)
        if len(text) > self.max_length:
            raise ValidationError(f"Longer than the maximum of {self.max_length} characters.")
        if len(text) < self.min_length:
            raise ValidationError("Must not be empty." if self.min_length == 1 else "Too short.")
        return text


class WebUrl(fields.Url):
    """An absolute http(s) URL of at most 2,000 characters, without control characters.

    Marshmallow's URL check lets a NUL through in the path, which PostgreSQL refuses to store.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("schemes", {"http", "https"})
        kwargs.setdefault("validate", validate.Length(max=MAX_URL_LENGTH))
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and _CONTROL.search(value):
            raise ValidationError("Control characters (such as NUL) are not allowed in a URL.")
        return super()._deserialize(value, attr, data, **kwargs)


class AgencyCode(fields.String):
    """An agency code such as MOF or HANOI."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update(
            {"pattern": CODE_PATTERN.pattern, "maxLength": 32, "example": "MOF"}
        )
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs)
        if not CODE_PATTERN.match(code):
            raise ValidationError("Not an agency code (2-32 of A-Z, 0-9 and _).")
        return code


class BoundedInt(fields.Integer):
    """A whole number within documented bounds (no huge numbers reach the database)."""

    def __init__(self, minimum: int = 1, maximum: int = 2**31 - 1, **kwargs):
        kwargs["validate"] = validate.Range(min=minimum, max=maximum)
        kwargs.setdefault("strict", True)
        super().__init__(**kwargs)


class CalendarDate(fields.Date):
    """An ISO calendar date within a plausible range."""

    def __init__(self, **kwargs):
        kwargs["validate"] = validate.Range(min=MIN_DATE, max=MAX_DATE)
        # OpenAPI has no date bounds: the pattern documents the years (and guides generators).
        kwargs.setdefault("metadata", {}).setdefault("pattern", DATE_PATTERN)
        super().__init__(**kwargs)


class PageArgs(StrictSchema):
    """Pagination query parameters."""

    page = BoundedInt(1, MAX_PAGE, load_default=1, strict=False)
    page_size = BoundedInt(
        1,
        MAX_PAGE_SIZE,
        load_default=DEFAULT_PAGE_SIZE,
        strict=False,
        metadata={"description": f"Items per page, at most {MAX_PAGE_SIZE}."},
    )


class PageMeta(OutSchema):
    """The envelope fields of a list."""

    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """Return a list envelope schema `{items, total, page, page_size}` for an item schema."""
    return type(
        name, (PageMeta,), {"items": fields.List(fields.Nested(item_schema), required=True)}
    )


class ErrorSchema(OutSchema):
    """The one shape of every error response."""

    status = fields.Integer(required=True, metadata={"example": 422})
    code = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True)
    errors = fields.Dict(metadata={"description": "Messages by field, where relevant."})
    request_id = fields.String(
        metadata={"description": "The request's X-Request-Id; quote it when reporting a problem."}
    )


class StrictBoolean(fields.Boolean):
    """A JSON true or false; 0, 1 and "yes" are refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Not a boolean (true or false).")
        return value


EXPORT_FORMATS = ("json", "csv", "xlsx")


class FormatArgs(StrictSchema):
    """`format`: the same list as JSON, CSV or XLSX (the Accept header works too)."""

    format = fields.String(
        validate=validate.OneOf(EXPORT_FORMATS),
        metadata={"description": "json (default), csv (UTF-8 with BOM) or xlsx; or send Accept."},
    )
