"""The production processes for real: `zhuanjie scheduler` stops cleanly on SIGTERM, and
`zhuanjie serve --workers 2` sums the request metrics of both gunicorn workers (SQLite,
and PostgreSQL when configured)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from app.db import make_engine
from app.models.ops import SchedulerHeartbeat

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60.0  # generous: the machine may be busy


def _config(tmp: Path, url: str) -> dict[str, str]:
    """A configuration of its own in *tmp* (so var/ is there too) for the migrated database
    at *url*, and the environment."""
    (tmp / "config.yaml").write_text(
        f"database_url: {json.dumps(url)}\nbpmn_dir: {json.dumps(str(ROOT / 'bpmn'))}\n"
        "scheduler_in_web: false\nscheduler_interval_seconds: 1\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ZHUANJIE_") and k != "PROMETHEUS_MULTIPROC_DIR"}
    env["ZHUANJIE_CONFIG"] = str(tmp / "config.yaml")
    return env


def _zhuanjie(env: dict[str, str], *args: str, log: Path | None = None
              ) -> subprocess.Popen[bytes]:
    out = subprocess.PIPE if log is None else log.open("wb")
    try:
        return subprocess.Popen([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    finally:
        if log is not None:
            out.close()  # type: ignore[union-attr]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)


def test_scheduler_stops_gracefully_on_sigterm(tmp_path: Path, db_url: str) -> None:
    env = _config(tmp_path, db_url)
    engine = make_engine(db_url)
    proc = _zhuanjie(env, "scheduler")
    try:
        deadline = time.monotonic() + WAIT
        row = None
        while row is None and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            with engine.connect() as conn:
                row = conn.execute(select(SchedulerHeartbeat.key, SchedulerHeartbeat.sweeps)
                                   ).first()
        assert row is not None, proc.communicate(timeout=5)[0].decode()
        assert row.key.endswith(f":{proc.pid}")
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=WAIT)[0].decode()
        assert proc.returncode == 0, output
        assert "SIGTERM received" in output
    finally:
        _stop(proc)
    with engine.connect() as conn:
        stopped = conn.execute(select(SchedulerHeartbeat.stopped_at)).scalar_one()
    engine.dispose()
    assert stopped is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=WAIT) as answer:
        return str(answer.read().decode())


@pytest.fixture
def server(tmp_path: Path, db_url: str) -> Iterator[tuple[int, Path]]:
    env = _config(tmp_path, db_url)
    port = _free_port()
    metrics_dir = tmp_path / "var" / "prometheus" / str(port)
    metrics_dir.mkdir(parents=True)
    (metrics_dir / "counter_999999.db").write_bytes(b"left over by an earlier run")
    proc = _zhuanjie(env, "serve", "--workers", "2", "--port", str(port),
                     log=tmp_path / "serve.log")
    try:
        yield port, metrics_dir
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(WAIT)
        finally:
            _stop(proc)


def _ping_count(port: int) -> float:
    for family in text_string_to_metric_families(_get(port, "/metrics")):
        for s in family.samples:
            if s.name == "zhuanjie_http_responses_total" and s.labels["endpoint"] == "ops.ping":
                return s.value
    return 0.0


def test_serve_workers_sum_request_metrics(server: tuple[int, Path]) -> None:
    port, metrics_dir = server
    sent, deadline = 0, time.monotonic() + WAIT
    while not sent:  # the first answer: both workers are (being) started
        try:
            sent += _get(port, "/ping") == "pong\n"
        except OSError:
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.3)
    assert not (metrics_dir / "counter_999999.db").exists()  # cleaned at start
    # a connection that has sent half a request holds one sync worker: the pings that
    # follow are answered by the other one; then the held request is completed
    held = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    held.sendall(b"GET /ping HTTP/1.1\r\nHost: localhost\r\n")
    for _ in range(5):
        sent += _get(port, "/ping") == "pong\n"
    held.sendall(b"Connection: close\r\n\r\n")
    reply = b""
    while chunk := held.recv(4096):
        reply += chunk
    held.close()
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"pong\n")
    sent += 1
    pids = {p.stem.split("_")[-1] for p in metrics_dir.glob("counter_*.db")}
    assert len(pids) == 2, pids  # both workers counted requests
    assert _ping_count(port) == sent  # and a scrape sums them
