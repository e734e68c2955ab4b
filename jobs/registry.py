"""The scheduled jobs, declared once with stable ids."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class JobSpec:
    """One periodic job: a stable id, a function of the app, and an interval."""

    id: str
    func: Callable[[], object]
    seconds: int


def heartbeat() -> str:
    """Log that the scheduler is alive."""
    log.info("scheduler heartbeat")
    return "ok"


JOBS = (JobSpec("heartbeat", heartbeat, 60),)
