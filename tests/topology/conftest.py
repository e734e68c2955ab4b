"""The topology harness: started once per session, on PostgreSQL only, removed even on failure."""

from __future__ import annotations

import json
import os

import pytest

from tests.topology.cluster import missing_reason
from tests.topology.harness import Topology

FIGURES: dict = {}


@pytest.fixture(scope="session")
def topology(tmp_path_factory):
    """Two API servers, two schedulers, a private PostgreSQL and an SMTP server."""
    if not os.environ.get("TRACKER_TEST_DATABASE_URL"):
        pytest.skip("the topology tests run on PostgreSQL: set TRACKER_TEST_DATABASE_URL")
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    harness = Topology(tmp_path_factory.mktemp("topology"))
    try:
        harness.start()
        yield harness
    finally:
        harness.close()


@pytest.fixture
def record_figures(topology):
    """Store a test's figures for the summary at the end of the run."""

    def record(name: str, figures: dict) -> None:
        FIGURES[name] = figures

    return record


def pytest_terminal_summary(terminalreporter):
    """Print the soak's figures, so that they can be quoted."""
    if not FIGURES:
        return
    terminalreporter.section("topology soak figures")
    for name, figures in FIGURES.items():
        terminalreporter.write_line(f"{name}: {json.dumps(figures, ensure_ascii=False)}")
