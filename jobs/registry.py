"""The scheduled jobs, declared once with stable ids."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from jobs import reminders

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class JobSpec:
    """One periodic job: a stable id, a function of the app, an interval, a first run at start."""

    id: str
    func: Callable[[], object]
    seconds: int
    run_at_start: bool = False


def heartbeat() -> str:
    """Log that the scheduler is alive."""
    log.info("scheduler heartbeat")
    return "ok"


JOBS = (
    JobSpec("heartbeat", heartbeat, 60),
    # Plans each day once its send hour has come, and catches up days the process missed.
    JobSpec("reminders.plan", reminders.scheduled_plan, 600, run_at_start=True),
    JobSpec("reminders.deliver", reminders.deliver, 60, run_at_start=True),
)
