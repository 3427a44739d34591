"""`zhuanjie scheduler` in-process: a signal lets the sweep in progress finish, the heartbeat
records every sweep and its errors, and the stop is recorded."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest
from sqlalchemy import Engine, select

from app.config import load_settings
from app.db import session_scope
from app.engine.sweep import SweepResult
from app.models.ops import SchedulerHeartbeat
from app.scheduler import run_blocking
from app.services.health import heartbeat_key


def _rows(engine: Engine) -> list[SchedulerHeartbeat]:
    with session_scope(engine) as s:
        return list(s.scalars(select(SchedulerHeartbeat)))


def test_sigterm_mid_sweep_finishes_the_sweep_then_stops(engine: Engine, db_url: str) -> None:
    settings = load_settings(environ={}).replace(database_url=db_url,
                                                 scheduler_interval_seconds=3600)
    steps: list[str] = []

    def sweep(_settings: Any) -> SweepResult:
        steps.append("began")
        os.kill(os.getpid(), signal.SIGTERM)  # the service manager stops us mid-sweep
        steps.append("finished")
        return SweepResult(instances=1, timers_fired=2, overdue_marked=1)

    before = signal.getsignal(signal.SIGTERM)
    run_blocking(settings, sweep)  # returns (no exception, no exit) after the one sweep
    assert steps == ["began", "finished"]
    assert signal.getsignal(signal.SIGTERM) == before  # handlers restored
    [row] = _rows(engine)
    assert row.key == heartbeat_key() and row.kind == "process"
    assert row.sweeps == 1 and row.last_timers_fired == 2 and row.last_overdue_marked == 1
    assert row.last_error is None and row.stopped_at is not None


def test_sigint_stops_too_and_a_failed_sweep_is_recorded_not_fatal(
        engine: Engine, db_url: str) -> None:
    settings = load_settings(environ={}).replace(database_url=db_url,
                                                 scheduler_interval_seconds=1)
    calls: list[int] = []

    def sweep(_settings: Any) -> SweepResult:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        os.kill(os.getpid(), signal.SIGINT)
        return SweepResult(errors=["instance 7: refused"])

    run_blocking(settings, sweep)
    assert len(calls) == 2  # the failure did not stop the scheduler
    [row] = _rows(engine)
    assert row.sweeps == 2 and row.last_error == "instance 7: refused"
    assert row.stopped_at is not None


def test_the_first_failure_is_kept_in_the_heartbeat(engine: Engine, db_url: str) -> None:
    settings = load_settings(environ={}).replace(database_url=db_url,
                                                 scheduler_interval_seconds=3600)

    def sweep(_settings: Any) -> SweepResult:
        os.kill(os.getpid(), signal.SIGTERM)
        raise RuntimeError("database went away")

    run_blocking(settings, sweep)
    [row] = _rows(engine)
    assert row.last_error == "RuntimeError: database went away"


def test_the_sweep_inside_the_web_process_writes_heartbeats(
        engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import scheduler as module
    from app.scheduler import in_process_last_sweep, start_background

    monkeypatch.setattr(module, "_last_in_process", {})  # this process's state, for this test

    settings = load_settings(environ={}).replace(database_url=db_url,
                                                 scheduler_interval_seconds=1)
    scheduler = start_background(settings)
    try:
        deadline = time.monotonic() + 60
        while not _rows(engine) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        scheduler.shutdown(wait=True)
    [row] = _rows(engine)
    assert row.kind == "web" and row.key == heartbeat_key() and row.sweeps >= 1
    assert in_process_last_sweep() is not None
