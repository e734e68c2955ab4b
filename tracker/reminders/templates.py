"""The Jinja environment of the e-mail templates (package data in tracker/reminders/templates)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Return the template environment: HTML escaped, text not, undefined names an error."""
    return Environment(
        loader=PackageLoader("tracker.reminders", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **context) -> str:
    """Render one template."""
    return environment().get_template(name).render(**context)
