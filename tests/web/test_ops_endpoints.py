"""/healthz, /ping and /metrics: what they answer, to whom, and that they follow the data."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, text

from app import create_app
from app.db import session_scope
from app.models import HumanTask, Timer
from app.models.ops import SchedulerHeartbeat
from app.services import health
from tests.procedures.conftest import World, at

NOW = at("2026-03-20T10:00")  # after the first deadlines of a case started on 2 March
OPS_PATHS = ("/ping", "/healthz", "/metrics")


def _app(world: World, **settings: Any) -> Flask:
    overrides = {"database_url": world.settings.database_url, "TESTING": True,
                 "CLOCK": NOW, **settings}
    return create_app(overrides)


def _beat(world: World, key: str, age_seconds: float, stopped: bool = False) -> None:
    when = NOW.now() - timedelta(seconds=age_seconds)
    with session_scope(world.engine, write=True) as s:
        s.add(SchedulerHeartbeat(key=key, kind="process", started_at=when, last_sweep_at=when,
                                 sweeps=1, last_timers_fired=0, last_overdue_marked=0,
                                 last_duration_ms=3, stopped_at=when if stopped else None))


def _metrics(app: Flask) -> dict[str, float]:
    """The samples of /metrics as ``name{label=value,...}`` → value."""
    answer = app.test_client().get("/metrics")
    assert answer.status_code == 200, answer.data
    assert answer.content_type.startswith("text/plain; version=0.0.4")
    out = {}
    for family in text_string_to_metric_families(answer.get_data(as_text=True)):
        for s in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
            out[f"{s.name}{{{labels}}}" if labels else s.name] = s.value
    return out


def _start_case(world: World) -> Any:
    case = world.start("2026-03-02T09:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                       target_branch="CS-YH-P1-B1")
    world.do(case, "initiate", "op-CS-YL-P1", "2026-03-02T10:00", {"decision": "initiate"})
    return case


def test_ping_is_tiny_and_sets_no_cookie(world: World) -> None:
    answer = _app(world).test_client().get("/ping")
    assert answer.status_code == 200 and answer.get_data(as_text=True) == "pong\n"
    assert answer.mimetype == "text/plain"


def test_ops_endpoints_need_no_sign_in_and_create_no_session(world: World) -> None:
    _beat(world, "host:1", 5)
    client = _app(world).test_client()
    for path in OPS_PATHS:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "Set-Cookie" not in answer.headers, path
    assert client.get_cookie("zhuanjie_session") is None
    # a page that does use the session still sets its cookie (the hooks changed nothing)
    assert "Set-Cookie" in client.get("/login").headers


def test_healthz_ok_with_a_fresh_heartbeat(world: World) -> None:
    _beat(world, "host:1", 5)
    _beat(world, "host:2", 3600)  # a dead scheduler beside a live one does not matter
    answer = _app(world).test_client().get("/healthz")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "ok" and body["failed"] == []
    assert body["checks"]["scheduler"]["alive"] == 1
    assert body["checks"]["scheduler"]["last_sweep_age_seconds"] == 5.0
    assert body["checks"]["migrations"]["current"] == body["checks"]["migrations"]["head"]


@pytest.mark.parametrize("beats", [[], [("host:1", 61.0, False)], [("host:1", 5.0, True)]],
                         ids=["none", "stale", "stopped"])
def test_healthz_503_without_a_live_scheduler(world: World, beats: list[Any]) -> None:
    for key, age, stopped in beats:
        _beat(world, key, age, stopped)
    answer = _app(world, scheduler_in_web=False).test_client().get("/healthz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["status"] == "fail" and body["failed"] == ["scheduler"]
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]


def test_healthz_staleness_is_configurable(world: World) -> None:
    _beat(world, "host:1", 100)
    assert _app(world, scheduler_in_web=False).test_client().get("/healthz").status_code == 503
    relaxed = _app(world, scheduler_in_web=False, health_scheduler_stale_seconds=120)
    assert relaxed.test_client().get("/healthz").status_code == 200


def test_healthz_counts_the_in_process_scheduler_only_when_it_runs_in_web(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import scheduler

    monkeypatch.setitem(scheduler._last_in_process, "web", NOW.now() - timedelta(seconds=2))
    assert _app(world, scheduler_in_web=True).test_client().get("/healthz").status_code == 200
    assert _app(world, scheduler_in_web=False).test_client().get("/healthz").status_code == 503


def test_healthz_503_when_the_database_is_unreachable(tmp_path: Any) -> None:
    app = create_app({"database_url": f"sqlite:///{tmp_path}/missing/dir/zj.db",
                      "TESTING": True})
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["failed"] == ["database"] and body["checks"]["database"]["ok"] is False
    assert "zj.db" not in answer.get_data(as_text=True)  # no path, no driver message


def test_healthz_503_when_the_database_does_not_answer_in_time(world: World) -> None:
    release = threading.Event()

    def hung(*_args: Any) -> dict[str, Any]:
        release.wait(30)
        raise RuntimeError("released")

    try:
        found = health.check_health(world.engine, NOW.now(), stale_seconds=60, timeout=0.2,
                                    probe=hung)
    finally:
        release.set()
    assert not found.ok and found.to_json()["failed"] == ["database"]
    assert "no answer" in found.checks["database"]["error"]


def test_healthz_503_when_migrations_are_behind(world: World) -> None:
    _beat(world, "host:1", 5)
    with session_scope(world.engine, write=True) as s:
        s.execute(text("UPDATE alembic_version SET version_num = '0020'"))
    answer = _app(world).test_client().get("/healthz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["failed"] == ["migrations"]
    assert body["checks"]["migrations"]["current"] == ["0020"]


def test_metrics_follow_cases_tasks_and_timers(world: World) -> None:
    app = _app(world)
    before = _metrics(app)
    assert before["zhuanjie_cases{status=approving}"] == 0
    assert before["zhuanjie_human_tasks_open"] == 0 and before["zhuanjie_timer_lag_seconds"] == 0
    _start_case(world)
    with session_scope(world.engine) as s:
        oldest_due = s.scalar(select(func.min(Timer.due_at)).where(Timer.status == "waiting"))
        waiting = s.scalar(select(func.count()).select_from(Timer)
                           .where(Timer.status == "waiting"))
        open_tasks = s.scalar(select(func.count()).select_from(HumanTask)
                              .where(HumanTask.status == "open"))
    assert open_tasks and waiting
    assert oldest_due is not None and oldest_due < NOW.now()
    during = _metrics(app)
    assert during["zhuanjie_cases{status=approving}"] == 1
    assert during["zhuanjie_human_tasks_open"] == open_tasks
    assert during["zhuanjie_human_tasks_overdue"] == 0  # due, but no sweep has flagged it
    assert during["zhuanjie_timers_waiting"] == waiting
    assert during["zhuanjie_timer_lag_seconds"] == pytest.approx(
        (NOW.now() - oldest_due).total_seconds(), abs=0.1)
    world.fire("2026-03-20T10:00")  # the sweep catches up: reminders sent, task overdue
    after = _metrics(app)
    with session_scope(world.engine) as s:
        overdue = s.scalar(select(func.count()).select_from(HumanTask)
                           .where(HumanTask.status == "open", HumanTask.overdue.is_(True)))
    assert overdue and after["zhuanjie_human_tasks_overdue"] == overdue
    assert after["zhuanjie_timer_lag_seconds"] == 0


def test_metrics_scheduler_heartbeat_and_request_counts(world: World) -> None:
    app = _app(world)
    first = _metrics(app)
    assert "zhuanjie_scheduler_heartbeat_age_seconds" not in first  # never swept
    assert first["zhuanjie_schedulers_alive"] == 0 and first["zhuanjie_database_up"] == 1
    _beat(world, "host:1", 7)
    key = "zhuanjie_http_responses_total{endpoint=ops.ping,method=GET,status=200}"
    count = "zhuanjie_http_request_duration_seconds_count{endpoint=ops.ping,method=GET}"
    client = app.test_client()
    for _ in range(3):
        client.get("/ping")
    client.get("/no-such-page")
    second = _metrics(app)
    assert second["zhuanjie_scheduler_heartbeat_age_seconds"] == 7
    assert second["zhuanjie_schedulers_alive"] == 1
    assert second[key] - first.get(key, 0) == 3
    assert second[count] - first.get(count, 0) == 3
    missing = "zhuanjie_http_responses_total{endpoint=unmatched,method=GET,status=404}"
    assert second[missing] - first.get(missing, 0) == 1


def test_metrics_report_a_database_it_cannot_read(tmp_path: Any) -> None:
    app = create_app({"database_url": f"sqlite:///{tmp_path}/missing/dir/zj.db",
                      "TESTING": True})
    samples = _metrics(app)
    assert samples["zhuanjie_database_up"] == 0
    assert "zhuanjie_human_tasks_open" not in samples


def _scrape(app: Flask, addr: str, **headers: str) -> int:
    client = app.test_client()
    return client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": addr}
                      ).status_code


def test_metrics_only_for_this_machine_or_the_token(world: World) -> None:
    closed = _app(world)
    assert _scrape(closed, "127.0.0.1") == 200
    assert _scrape(closed, "::1") == 200
    assert _scrape(closed, "10.1.2.3") == 403
    assert _scrape(closed, "127.0.0.1", **{"X-Forwarded-For": "203.0.113.9"}) == 403
    assert _scrape(closed, "10.1.2.3", Authorization="Bearer ") == 403  # no token configured
    token = "s3cret-metrics-token"
    opened = _app(world, metrics_token=token)
    assert _scrape(opened, "10.1.2.3", Authorization=f"Bearer {token}") == 200
    assert _scrape(opened, "10.1.2.3", Authorization="Bearer wrong") == 403
    assert _scrape(opened, "10.1.2.3", Authorization=token) == 403  # not a bearer token
    assert _scrape(opened, "10.1.2.3") == 403


def test_metrics_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.config import load_settings

    assert load_settings(environ={"ZHUANJIE_METRICS_TOKEN": "abc"}).metrics_token == "abc"
    assert load_settings(environ={}).metrics_token == ""


def test_heartbeat_rows_are_upserted_and_old_ones_pruned(world: World) -> None:
    now = NOW.now()
    _beat(world, "old-host:9", (health.HEARTBEAT_KEEP + timedelta(hours=1)).total_seconds())
    for n in (1, 2):
        health.record_heartbeat(world.engine, "host:1", kind="process", started_at=now,
                                now=now + timedelta(seconds=n), timers_fired=n,
                                error="boom" if n == 2 else None)
    with session_scope(world.engine) as s:
        rows = {r.key: r for r in s.scalars(select(SchedulerHeartbeat))}
    assert set(rows) == {"host:1"}
    row = rows["host:1"]
    assert row.sweeps == 2 and row.last_timers_fired == 2 and row.last_error == "boom"
    assert row.last_sweep_at == now + timedelta(seconds=2)
    health.mark_stopped(world.engine, "host:1", now + timedelta(seconds=3))
    with session_scope(world.engine) as s:
        assert health.latest_heartbeat(s) is None
        assert isinstance(s.get(SchedulerHeartbeat, "host:1").stopped_at, datetime)
