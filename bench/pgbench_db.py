"""Helpers of the data benchmarks: their own PostgreSQL databases, a served application,
latency percentiles over plain HTTP (one connection per request, as gunicorn's sync workers
close them)."""

from __future__ import annotations

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent


def libpq_url(server: str, database: str) -> str:
    """A libpq URL of *database* on the server of a SQLAlchemy URL without a database."""
    base = server.rstrip("/").replace("postgresql+psycopg://", "postgresql://", 1)
    return f"{base}/{database}"


def sa_url(server: str, database: str) -> str:
    """The SQLAlchemy URL of *database* on *server*."""
    base = server.rstrip("/")
    if base.startswith("postgresql://"):
        base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{database}"


def admin(server: str) -> psycopg.Connection[Any]:
    """An autocommit connection to the server's ``postgres`` database."""
    return psycopg.connect(libpq_url(server, "postgres"), autocommit=True)


def exists(server: str, database: str) -> bool:
    """Whether *database* exists on *server*."""
    with admin(server) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (database,)).fetchone() is not None


def recreate(server: str, database: str, template: str | None = None) -> None:
    """Drop *database* (closing its sessions) and create it empty or from *template*."""
    with admin(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        suffix = ""
        if template:  # a pool left open by this process on the template would refuse it
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s AND pid <> pg_backend_pid()", (template,))
            suffix = f' TEMPLATE "{template}"'
        conn.execute(f'CREATE DATABASE "{database}"{suffix}')


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def zhuanjie_env(url: str) -> dict[str, str]:
    """The environment of a ``zhuanjie`` subprocess on database *url*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHUANJIE_")}
    env.update(ZHUANJIE_DATABASE_URL=url, ZHUANJIE_LOG_LEVEL="WARNING")
    return env


def zhuanjie_bin() -> str:
    """The console script beside the running interpreter."""
    return str(Path(sys.executable).with_name("zhuanjie"))


@contextmanager
def served(url: str, workers: int) -> Iterator[int]:
    """``zhuanjie serve --workers N`` on *url* until the block ends; yields the port."""
    port = free_port()
    proc = subprocess.Popen([zhuanjie_bin(), "serve", "--workers", str(workers),
                             "--port", str(port)], env=zhuanjie_env(url), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"zhuanjie serve ended: {proc.stderr.read()[-2000:]}")  # type: ignore[union-attr]
            try:
                if request(port, "GET", "/login")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("zhuanjie serve did not answer within 60 s")
            time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def request(port: int, method: str, path: str, headers: dict[str, str] | None = None,
            body: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request on a new connection: status, headers (lower-case names), body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        cookies = "; ".join(v.split(";", 1)[0] for k, v in resp.getheaders()
                            if k.lower() == "set-cookie")
        head = {k.lower(): v for k, v in resp.getheaders()}
        if cookies:
            head["set-cookie"] = cookies
        return resp.status, head, data
    finally:
        conn.close()


def sign_in(port: int, username: str, password: str) -> str:
    """The session cookie of *username* after the sign-in form (with its CSRF token)."""
    status, head, body = request(port, "GET", "/login")
    match = re.search(rb'name="csrf_token" value="([^"]+)"', body)
    if status != 200 or match is None:
        raise RuntimeError("the sign-in page has no CSRF token")
    cookie = head.get("set-cookie", "")
    from urllib.parse import urlencode
    form = urlencode({"csrf_token": match.group(1).decode(), "username": username,
                      "password": password})
    status, head, _ = request(port, "POST", "/login", {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}, form)
    if status != 302 or "set-cookie" not in head:
        raise RuntimeError(f"sign-in of {username} failed with HTTP {status}")
    return head["set-cookie"]


def percentile(values: list[float], share: float) -> float:
    """The *share* (0..1) quantile, linear between ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=1000, method="inclusive")[round(share * 1000) - 1]


def timed(call: Callable[[], int], warmup: int, count: int) -> dict[str, Any]:
    """Milliseconds of *count* calls after *warmup* calls; every call must answer 200."""
    for _ in range(warmup):
        if call() != 200:
            raise RuntimeError("a warm-up request failed")
    times = []
    for _ in range(count):
        started = time.perf_counter()
        status = call()
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"a timed request answered HTTP {status}")
    return {"requests": count, "p50_ms": round(percentile(times, 0.50), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
            "p99_ms": round(percentile(times, 0.99), 2),
            "max_ms": round(max(times), 2)}


def migrated_with_demo(server: str, database: str) -> tuple[Any, Any]:
    """(Re)create *database*, migrate it and load the demo tree; returns an open engine
    and the settings pointing at it (the caller disposes of the engine)."""
    from app.config import load_settings
    from app.db import make_engine, session_scope
    from app.migrate import upgrade
    from app.org.loader import read_tree
    from app.services.demo import load_demo

    recreate(server, database)
    url = sa_url(server, database)
    upgrade(url)
    engine = make_engine(url)
    settings = load_settings(environ={}).replace(database_url=url)
    with session_scope(engine, write=True) as s:
        path = str(settings.path(settings.demo_file))
        load_demo(s, read_tree(path), path)
    return engine, settings
