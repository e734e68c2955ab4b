"""scripts/advisories.py against a local stand-in for PyPI's JSON API."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "advisories.py"


def project(latest: str, vulnerabilities=(), yanked: dict[str, str] | None = None) -> dict:
    """A project document shaped like PyPI's `/pypi/<name>/json`."""
    yanked = yanked or {}
    releases = {
        version: [{"yanked": version in yanked, "yanked_reason": yanked.get(version)}]
        for version in {"1.0", latest, *yanked}
    }
    return {
        "info": {"version": latest},
        "releases": releases,
        "vulnerabilities": list(vulnerabilities),
    }


def advisory(ident: str, aliases=(), fixed_in=(), withdrawn=None) -> dict:
    """One entry of `vulnerabilities`."""
    return {
        "id": ident,
        "aliases": list(aliases),
        "fixed_in": list(fixed_in),
        "withdrawn": withdrawn,
    }


@pytest.fixture
def index():
    """An HTTP server answering `/pypi/<name>/json` from a dict the test fills; its root URL."""
    projects: dict[str, dict | int] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            name = self.path.split("/")[2]
            answer = projects.get(name, 404)
            body = b"" if isinstance(answer, int) else json.dumps(answer).encode()
            self.send_response(200 if body else answer)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.projects = projects
    server.url = f"http://127.0.0.1:{server.server_port}/pypi"
    yield server
    server.shutdown()
    server.server_close()


def run(index_url: str, *args: str) -> subprocess.CompletedProcess:
    """Run the script against the stand-in index."""
    command = [sys.executable, str(SCRIPT), "--index", index_url, "--retries", "0", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_a_vulnerable_latest_release_fails_and_each_advisory_is_named_once(index):
    index.projects["oldlib"] = project(
        "2.0",
        [
            advisory("PYSEC-1", ["CVE-1", "GHSA-1"], ["2.1"]),
            advisory("GHSA-1", ["CVE-1", "PYSEC-1"], ["2.1"]),
            advisory("PYSEC-2", withdrawn="2026-01-01T00:00:00Z"),
        ],
    )
    result = run(index.url, "oldlib==2.0", "--json")
    assert result.returncode == 1
    (finding,) = json.loads(result.stdout)
    assert [v["id"] for v in finding["vulnerabilities"]] == ["PYSEC-1"]
    assert finding["vulnerabilities"][0]["fixed_in"] == ["2.1"]


def test_a_clean_latest_release_passes(index):
    index.projects["goodlib"] = project("3.1", [advisory("PYSEC-9", withdrawn="2026-01-01")])
    result = run(index.url, "GoodLib==3.1.0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 packages: 1 audited, 0 with known vulnerabilities, 0 not audited" in result.stdout


def test_an_older_release_is_not_audited_rather_than_called_clean(index):
    index.projects["lib"] = project("2.0", [advisory("PYSEC-3", fixed_in=["2.1"])])
    result = run(index.url, "lib==1.0")
    assert result.returncode == 0
    assert "not audited: lib 1.0 (advisories are known for the latest release (2.0) only)" in (
        result.stdout
    )
    assert "VULNERABLE" not in result.stdout
    assert run(index.url, "lib==1.0", "--strict").returncode == 1


def test_a_yanked_installed_release_fails(index):
    index.projects["lib"] = project("2.0", yanked={"1.5": "remote code execution"})
    result = run(index.url, "lib==1.5")
    assert result.returncode == 1
    assert "YANKED lib 1.5: remote code execution" in result.stdout


def test_a_package_missing_from_the_index_is_not_audited(index):
    result = run(index.url, "private-thing==0.1")
    assert result.returncode == 0
    assert "not audited: private-thing 0.1 (not on the index)" in result.stdout


def test_an_index_that_fails_is_an_error_not_a_pass(index):
    index.projects["lib"] = 503
    result = run(index.url, "lib==1.0")
    assert result.returncode == 2
    assert "could not ask" in result.stderr


def test_an_unreachable_index_is_an_error(index):
    url = index.url
    index.shutdown()
    index.server_close()
    assert run(url, "lib==1.0").returncode == 2


def test_by_default_it_audits_the_installed_packages(index):
    flask_version = importlib.metadata.version("flask")
    index.projects["flask"] = project(flask_version, [advisory("PYSEC-7")])
    result = run(index.url, "--skip", "directive-tracker")
    assert result.returncode == 1
    assert f"VULNERABLE flask {flask_version}: PYSEC-7" in result.stdout
    assert "not audited: directive-tracker" not in result.stdout
    assert "not audited: werkzeug" in result.stdout


def test_a_malformed_argument_is_refused(index):
    result = run(index.url, "flask")
    assert result.returncode == 2
    assert "expected NAME==VERSION" in result.stderr
