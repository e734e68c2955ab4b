"""docs/operations.md documents every setting with its default, and names what exists."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from tracker.config import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "operations.md"
ROW = re.compile(r"^\| `(TRACKER_[A-Z0-9_]+)` \| ([^|]*) \|", re.MULTILINE)


def documented() -> dict[str, str]:
    """Return {variable: default cell} from the doc's settings table."""
    section = DOC.read_text(encoding="utf-8").split("\n## Settings\n", 1)[1]
    return {name: cell.strip() for name, cell in ROW.findall(section)}


def default_text(value) -> str | None:
    """Return how a default is written in the doc (None: written as "empty")."""
    if value in ("", None, ()):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


SETTINGS = {ENV_PREFIX + f.name.upper(): f.default for f in dataclasses.fields(Settings)}


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_every_setting_is_documented_with_its_default(name):
    rows = documented()
    assert name in rows, f"{name} is missing from the settings table of docs/operations.md"
    expected = default_text(SETTINGS[name])
    if expected is None:
        assert rows[name].startswith("empty"), f"{name}: the default is empty"
    else:
        assert f"`{expected}`" in rows[name], f"{name}: the default is `{expected}`"


def test_the_doc_lists_no_setting_that_does_not_exist():
    assert set(documented()) <= set(SETTINGS)


def test_the_files_and_commands_the_doc_names_exist():
    text = DOC.read_text(encoding="utf-8")
    for path in ("deploy/gunicorn.conf.py", "tracker/reminders/ledger.py", "api/serving.py"):
        assert path in text and (ROOT / path).exists()
    for test in re.findall(r"`(tests/test_\w+\.py)`", text):
        assert (ROOT / test).exists(), test
    gunicorn_conf = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    for setting, value in re.findall(r"^\| `(\w+)` \| `([\w.,:]+)`", text, re.MULTILINE):
        if f"\n{setting} = " in gunicorn_conf:
            assert value in gunicorn_conf.split(f"\n{setting} = ", 1)[1].split("\n", 1)[0]
