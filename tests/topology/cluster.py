"""A private PostgreSQL 15 cluster for the topology tests, which stop and start it at will.

The shared server on 5432 serves everyone's tests and is never touched. initdb refuses to run
as root, so as root (CI) the cluster is made and run by the `postgres` OS user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

BINARIES = Path("/usr/lib/postgresql/15/bin")
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",  # a throw-away test cluster: speed over durability
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "64MB",
    "log_min_messages": "warning",
}


def missing_reason() -> str | None:
    """Return why a private cluster cannot be made here, or None."""
    if not (BINARIES / "initdb").exists():
        return f"PostgreSQL 15 binaries not found in {BINARIES}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres OS user to run initdb"
        if not shutil.which("runuser"):
            return "running as root without runuser to run initdb as postgres"
    return None


class PrivatePostgres:
    """initdb into a temporary directory, its own port and socket directory; removed at the end."""

    def __init__(self, port: int):
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="tracker-topology-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        else:
            self.as_owner = []

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/tracker"

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str, timeout: float = 60) -> None:
        done = subprocess.run(
            [*self.as_owner, *command],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=self.root,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}{self.log_tail()}")

    def create(self) -> None:
        """Make the cluster and its configuration."""
        self._run(
            str(BINARIES / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        settings = {**SETTINGS, "port": str(self.port), "unix_socket_directories": f"'{self.root}'"}
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._run(
            str(BINARIES / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (fast: disconnect every session, as a crash or failover would)."""
        self._run(str(BINARIES / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        done = subprocess.run(
            [*self.as_owner, str(BINARIES / "pg_ctl"), "-D", str(self.data), "status"],
            capture_output=True,
            check=False,
            cwd=self.root,
        )
        return done.returncode == 0

    def destroy(self) -> None:
        """Stop the server if it runs and remove every file."""
        try:
            if self.data.exists() and self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n" + "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
