"""APScheduler: the timer sweep (and, later, housekeeping jobs).

`zhuanjie scheduler` runs it as its own process; `make run` runs it inside the web process
(``scheduler_in_web``). Several schedulers may run at once on PostgreSQL: the sweep claims
instances with SKIP LOCKED, so no timer fires twice.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from app.config import Settings
from app.db import get_engine
from app.engine.clock import SystemClock

log = logging.getLogger("zhuanjie.scheduler")


def sweep_job(settings: Settings) -> None:
    """One sweep of due timers; errors are logged, never raised into the scheduler."""
    from app.services.workflow import fire_timers

    try:
        result = fire_timers(get_engine(settings.resolved_database_url), settings, SystemClock())
    except Exception:
        log.exception("timer sweep failed")
        return
    if result.timers_fired or result.overdue_marked or result.errors:
        log.info("timer sweep: %s", result.to_json())


def _configure(scheduler: BaseScheduler, settings: Settings) -> BaseScheduler:
    scheduler.add_job(sweep_job, "interval", seconds=settings.scheduler_interval_seconds,
                      args=[settings], id="timer_sweep", max_instances=1, coalesce=True,
                      replace_existing=True)
    return scheduler


def run_blocking(settings: Settings) -> None:
    """Run the scheduler in the foreground until interrupted."""
    scheduler = _configure(BlockingScheduler(timezone="UTC"), settings)
    log.info("scheduler: sweeping due timers every %ss", settings.scheduler_interval_seconds)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")


def start_background(settings: Settings) -> BackgroundScheduler:
    """Start the scheduler in a background thread of this process."""
    scheduler = _configure(BackgroundScheduler(timezone="UTC", daemon=True), settings)
    assert isinstance(scheduler, BackgroundScheduler)
    scheduler.start()
    return scheduler
