"""The service's processes as production runs them: gunicorn API servers and schedulers."""

from __future__ import annotations

import functools
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.server import free_port, private_control

PROJECT_ROOT = Path(__file__).resolve().parents[2]
READY_PATH = "/api/v1/openapi.json"


def service_environment(settings: dict[str, str]) -> dict[str, str]:
    """Our environment without TRACKER_* variables, plus the topology's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "FLASK_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env.update({f"TRACKER_{name}": value for name, value in settings.items()})
    return env


@functools.cache
def gunicorn_control_options() -> tuple[str, ...]:
    return tuple(private_control())


class Process:
    """A child process in its own session, logging to a file; stopped by pid, never by name."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.command = command
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """kill -9, as a crash or the OOM killer would."""
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self, timeout: float = 15) -> None:
        """Ask to stop, then make sure the whole process group is gone."""
        if not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(10)

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return f"--- {self.name} ---\n" + "\n".join(text.splitlines()[-lines:])


class ApiServer(Process):
    """One gunicorn master with its sync workers on its own port (a host of its own, in effect)."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path, workers: int = 2):
        self.port = free_port()
        self.workers = workers
        # An empty config file: the test sets every option itself, whatever the checkout has.
        config = log_dir / "gunicorn.conf.py"
        config.touch()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(config),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            *gunicorn_control_options(),
            "wsgi:app",
        ]
        super().__init__(name, command, env, log_dir)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The master's children: its workers."""
        path = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def wait_ready(self, timeout: float) -> None:
        """Wait until every worker is up and the service answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited\n{self.log_tail()}")
            if len(self.worker_pids()) >= self.workers and answers(self.port):
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready in {timeout} s\n{self.log_tail()}")


class Scheduler(Process):
    """`flask --app wsgi tracker scheduler`, the job process."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path):
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "tracker", "scheduler"]
        super().__init__(name, command, env, log_dir)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited\n{self.log_tail()}")
            if "Scheduler started" in self.log_path.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready in {timeout} s\n{self.log_tail()}")

    def pause(self) -> None:
        os.kill(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.pid, signal.SIGCONT)


def answers(port: int) -> bool:
    """Whether the API answers a public request with 200."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", READY_PATH)
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()
