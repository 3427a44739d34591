"""The timer sweep: as its own process (`zhuanjie scheduler`) or inside the web process.

`zhuanjie scheduler` (:func:`run_blocking`) is the production process: it sweeps every
``scheduler_interval_seconds``, writes a heartbeat row (``scheduler_heartbeat``, keyed
``host:pid``) after every sweep, and on SIGTERM or SIGINT finishes the sweep in progress,
records that it stopped and exits 0. It is a plain loop rather than APScheduler's blocking
scheduler so that a signal only sets a flag and never interrupts a sweep half done.

`make run` runs the sweep inside the web process with APScheduler's background scheduler
(``scheduler_in_web``, :func:`start_background`); it writes heartbeats too, and
:func:`in_process_last_sweep` tells ``/healthz`` when it last swept.

Several schedulers may run at once on PostgreSQL: the sweep claims instances with SKIP
LOCKED, so no timer fires twice.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from datetime import datetime
from types import FrameType
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from app.config import Settings
from app.db import get_engine
from app.engine.clock import SystemClock
from app.engine.sweep import SweepResult

log = logging.getLogger("zhuanjie.scheduler")

SweepFn = Callable[[Settings], SweepResult]
_last_in_process: dict[str, datetime] = {}  # "web" → the last sweep of this process


def _fire(settings: Settings) -> SweepResult:
    from app.services.workflow import fire_timers

    return fire_timers(get_engine(settings.resolved_database_url), settings, SystemClock())


def sweep_once(settings: Settings, key: str, kind: str, started_at: datetime,
               sweep: SweepFn = _fire) -> None:
    """One sweep of due timers and its heartbeat; errors are logged and recorded, never
    raised (the next sweep tries again)."""
    from app.services.health import record_heartbeat

    began = time.monotonic()
    error: str | None = None
    result = SweepResult()
    try:
        result = sweep(settings)
    except Exception as exc:
        log.exception("timer sweep failed")
        error = f"{type(exc).__name__}: {exc}"
    if result.errors:
        error = "; ".join(result.errors)
    if result.timers_fired or result.overdue_marked or result.errors:
        log.info("timer sweep: %s", result.to_json())
    now = SystemClock().now()
    if kind == "web":
        _last_in_process[kind] = now
    try:
        record_heartbeat(get_engine(settings.resolved_database_url), key, kind=kind,
                         started_at=started_at, now=now, timers_fired=result.timers_fired,
                         overdue_marked=result.overdue_marked,
                         duration_ms=int((time.monotonic() - began) * 1000), error=error)
    except Exception:
        log.exception("scheduler heartbeat could not be written")


def run_blocking(settings: Settings, sweep: SweepFn = _fire) -> None:
    """Sweep every ``scheduler_interval_seconds`` until SIGTERM or SIGINT; the sweep in
    progress is finished, the heartbeat row marked stopped, and the function returns."""
    from app.services.health import heartbeat_key, mark_stopped

    stop = threading.Event()

    def _request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("scheduler: %s received, stopping after the current sweep",
                 signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, _request_stop) for sig in (signal.SIGTERM,
                                                                   signal.SIGINT)}
    key, started_at = heartbeat_key(), SystemClock().now()
    interval = settings.scheduler_interval_seconds
    log.info("scheduler %s: sweeping due timers every %ss", key, interval)
    try:
        while not stop.is_set():
            began = time.monotonic()
            sweep_once(settings, key, "process", started_at, sweep)
            stop.wait(max(0.0, interval - (time.monotonic() - began)))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    try:
        mark_stopped(get_engine(settings.resolved_database_url), key, SystemClock().now())
    except Exception:
        log.exception("scheduler stop could not be recorded")
    log.info("scheduler %s stopped", key)


def start_background(settings: Settings) -> BackgroundScheduler:
    """Start the sweep in a background thread of this process (``scheduler_in_web``)."""
    from app.services.health import heartbeat_key

    kwargs: dict[str, Any] = {"settings": settings, "key": heartbeat_key(), "kind": "web",
                              "started_at": SystemClock().now()}
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    scheduler.add_job(sweep_once, "interval", seconds=settings.scheduler_interval_seconds,
                      kwargs=kwargs, id="timer_sweep", max_instances=1, coalesce=True,
                      replace_existing=True)
    scheduler.start()
    return scheduler


def in_process_last_sweep() -> datetime | None:
    """When the sweep inside this process last finished, or None when it does not run."""
    return _last_in_process.get("web")
