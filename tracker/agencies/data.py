"""The agency registry shipped with the package, as plain records."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

AGENCY_KINDS = ("ministry", "ministry_level", "government_agency", "province", "organisation")


@cache
def load_agency_records() -> tuple[dict, ...]:
    """Return the registry's records as read from `data/agencies.json`."""
    text = resources.files("tracker.agencies").joinpath("data/agencies.json").read_text("utf-8")
    return tuple(json.loads(text)["agencies"])
