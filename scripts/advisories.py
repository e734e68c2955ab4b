"""Known vulnerabilities of the installed packages, from PyPI's project JSON (pip-audit's data).

pip-audit asks PyPI for each installed *version* (`/pypi/<name>/<version>/json`) or asks OSV; where
neither answers (as on the machines this project is built on, which reach only the package index),
this asks `/pypi/<name>/json`, whose `vulnerabilities` are those of the project's latest release,
the same OSV-fed advisories pip-audit reads. So a package installed at its latest release is
audited fully; an older one is reported as not audited, never as clean. A yanked installed release
fails too. Exit status: 0 clean, 1 vulnerable or yanked (or, with --strict, anything not audited),
2 PyPI could not be asked.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

DEFAULT_INDEX = "https://pypi.org/pypi"


class IndexUnreachable(Exception):
    """PyPI's JSON API did not answer for a package."""


@dataclass
class Finding:
    """What PyPI says of one installed package."""

    name: str
    version: str
    latest: str | None = None
    vulnerabilities: list[dict] = field(default_factory=list)
    yanked: str | None = None
    not_audited: str | None = None


def make_session(retries: int) -> requests.Session:
    """One session for every request: retries on connection errors and 5xx."""
    retry = Retry(total=retries, backoff_factor=0.5, status_forcelist=(429, 500, 502, 503, 504))
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=8))
    session.mount("http://", HTTPAdapter(max_retries=retry, pool_maxsize=8))
    return session


def installed_packages(skip: set[str]) -> dict[str, str]:
    """Installed distributions of this interpreter, by canonical name, without `skip`."""
    found = {}
    for dist in importlib.metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"] or "")
        if name and name not in skip:
            found.setdefault(name, dist.version)
    return found


def audit_one(session: requests.Session, index: str, timeout: float, name: str, version: str):
    """Ask the index about one package and judge the installed version against it."""
    try:
        response = session.get(f"{index}/{name}/json", timeout=timeout)
    except requests.RequestException as exc:
        raise IndexUnreachable(f"{name}: {type(exc).__name__}") from exc
    if response.status_code == 404:
        return Finding(name, version, not_audited="not on the index")
    if response.status_code != 200:
        raise IndexUnreachable(f"{name}: HTTP {response.status_code}")
    return judge(name, version, response.json())


def judge(name: str, version: str, project: dict) -> Finding:
    """The finding for `version` of a project, from the project's JSON document."""
    latest = project["info"]["version"]
    finding = Finding(name, version, latest=latest)
    files = project.get("releases", {}).get(version) or []
    reasons = [f.get("yanked_reason") or "no reason given" for f in files if f.get("yanked")]
    if files and len(reasons) == len(files):
        finding.yanked = reasons[0]
    if not same_version(version, latest):
        finding.not_audited = f"advisories are known for the latest release ({latest}) only"
        return finding
    finding.vulnerabilities = distinct_advisories(project.get("vulnerabilities") or [])
    return finding


def distinct_advisories(entries: list[dict]) -> list[dict]:
    """Advisories not withdrawn, each once (PYSEC and GHSA entries name each other as aliases)."""
    seen: set[str] = set()
    kept = []
    for entry in entries:
        names = {entry["id"], *entry.get("aliases", [])}
        if entry.get("withdrawn") or names & seen:
            continue
        seen |= names
        kept.append(
            {"id": entry["id"], "aliases": entry.get("aliases", []), "fixed_in": entry["fixed_in"]}
        )
    return kept


def same_version(installed: str, latest: str) -> bool:
    """Whether two version strings name the same release (1.0 == 1.0.0)."""
    try:
        return Version(installed) == Version(latest)
    except InvalidVersion:
        return installed == latest


def audit(packages: dict[str, str], index: str, timeout: float, retries: int) -> list[Finding]:
    """Findings for every package, asked eight at a time."""
    session = make_session(retries)
    with ThreadPoolExecutor(max_workers=8) as pool:
        jobs = [
            pool.submit(audit_one, session, index, timeout, name, version)
            for name, version in sorted(packages.items())
        ]
        return [job.result() for job in jobs]


def exit_status(findings: list[Finding], strict: bool) -> int:
    """0 clean, 1 when something is vulnerable or yanked (or not audited, with strict)."""
    bad = any(f.vulnerabilities or f.yanked for f in findings)
    return 1 if bad or (strict and any(f.not_audited for f in findings)) else 0


def print_text(findings: list[Finding]) -> None:
    """A line per problem, then a summary line."""
    for f in findings:
        for v in f.vulnerabilities:
            fixed = ", ".join(v["fixed_in"]) or "no fixed release"
            aliases = f" ({', '.join(v['aliases'])})" if v["aliases"] else ""
            print(f"VULNERABLE {f.name} {f.version}: {v['id']}{aliases}; fixed in {fixed}")
        if f.yanked:
            print(f"YANKED {f.name} {f.version}: {f.yanked}")
    for f in findings:
        if f.not_audited:
            print(f"not audited: {f.name} {f.version} ({f.not_audited})")
    audited = sum(1 for f in findings if not f.not_audited)
    vulnerable = sum(1 for f in findings if f.vulnerabilities)
    print(
        f"{len(findings)} packages: {audited} audited, {vulnerable} with known vulnerabilities, "
        f"{len(findings) - audited} not audited"
    )


def pinned(text: str) -> tuple[str, str]:
    """A NAME==VERSION argument as (canonical name, version)."""
    name, sep, version = text.partition("==")
    if not (sep and name.strip() and version.strip()):
        raise argparse.ArgumentTypeError(f"expected NAME==VERSION, got {text!r}")
    return canonicalize_name(name.strip()), version.strip()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "packages", nargs="*", type=pinned, metavar="NAME==VERSION", help="default: installed"
    )
    parser.add_argument("--index", default=DEFAULT_INDEX, help="PyPI's JSON API root")
    parser.add_argument("--skip", action="append", default=[], help="a package not to audit")
    parser.add_argument("--strict", action="store_true", help="fail on packages not audited")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    parser.add_argument("--retries", type=int, default=3, help="retries per request")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Audit, print, and return the exit status."""
    args = parse_args(argv)
    skip = {canonicalize_name(s) for s in args.skip}
    packages = dict(args.packages) if args.packages else installed_packages(skip)
    try:
        findings = audit(packages, args.index.rstrip("/"), args.timeout, args.retries)
    except IndexUnreachable as exc:
        print(f"error: could not ask {args.index} ({exc})", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([f.__dict__ for f in findings], indent=2))
    else:
        print_text(findings)
    return exit_status(findings, args.strict)


if __name__ == "__main__":
    sys.exit(main())
