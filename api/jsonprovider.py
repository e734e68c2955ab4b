"""Flask's JSON responses through orjson: the same bytes (sorted keys, UTF-8, compact), faster.

Dates, datetimes and dataclasses go through Flask's own `default` (dates as HTTP dates), as they
did; anything orjson refuses (a lone surrogate, an integer beyond 64 bits) falls back to the
standard library, and so does debug mode's indented output. `dumps` and `loads` stay the
standard library's: request bodies are small, and its handling of odd input (lone surrogates reach
our validators) is part of the API's behaviour.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
COMPACT = (",", ":")


class OrjsonProvider(DefaultJSONProvider):
    """The default provider (UTF-8 output) with orjson writing the response bodies."""

    ensure_ascii = False

    def response(self, *args: Any, **kwargs: Any):
        """Return what `DefaultJSONProvider.response` returns, serialised by orjson."""
        obj = self._prepare_response_obj(args, kwargs)
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(obj)
        return self._app.response_class(self.compact_body(obj), mimetype=self.mimetype)

    def compact_body(self, obj: Any) -> bytes | str:
        """Return the compact JSON of a value with the newline Flask ends a body with."""
        if self.sort_keys and not self.ensure_ascii:
            try:
                return orjson.dumps(obj, default=self.default, option=OPTIONS) + b"\n"
            except TypeError:  # orjson.JSONEncodeError is one
                pass
        return f"{self.dumps(obj, separators=COMPACT)}\n"
