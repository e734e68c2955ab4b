"""The scheduled jobs, declared once with stable ids."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from operator import attrgetter

from jobs import reminders
from tracker.config import Settings

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class JobSpec:
    """One periodic job: a stable id, a function of the app, its interval, a first run at start."""

    id: str
    func: Callable[[], object]
    every: Callable[[Settings], int]  # real seconds between runs
    run_at_start: bool = False


def heartbeat() -> str:
    """Log that the scheduler is alive."""
    log.info("scheduler heartbeat")
    return "ok"


JOBS = (
    JobSpec("heartbeat", heartbeat, lambda _settings: 60),
    # Plans each day once its send hour has come, and catches up days the process missed.
    JobSpec(
        "reminders.plan",
        reminders.scheduled_plan,
        attrgetter("scheduler_plan_seconds"),
        run_at_start=True,
    ),
    JobSpec(
        "reminders.deliver",
        reminders.deliver,
        attrgetter("scheduler_deliver_seconds"),
        run_at_start=True,
    ),
)
