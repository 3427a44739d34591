"""dashboard_p95_ms: the managers' dashboard (GET /dashboard) over HTTP with 100,000 cases.

    .venv/bin/python -m bench.dashboard --pg postgresql+psycopg://postgres@127.0.0.1:5432
    .venv/bin/python -m bench.dashboard --pg ... --quick      # 5,000 cases, fewer requests

The cases (tests/casegen.py, seeded, dated up to 2026-11-20) are written once into the
database ``zj_bench_dashboard`` (``zj_bench_dashboard_quick`` with --quick) and reused while
it holds exactly that many; otherwise it is dropped and made again. The application is served
by gunicorn (``zhuanjie serve --workers 2``) on that database; the province manager (mgr-hn)
and a city manager (mgr-cs) sign in through the login form and each asks for every view
(the default dashboard, then with an organisation and with longer periods) a few times to
warm up and then 50 times (the default view and the cases list; 20 times each view with
filters), one request at a time. The figure is the worst p95 over
both users of the default view; every view's p50/p95 is in the detail, beside the cases
list's first page (GET /cases) as the baseline. Nothing is cached between requests.
The last line of stdout is the JSON of the figures (bench module contract).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import math
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app.db import make_engine, session_scope
from app.models import TransferCase
from bench.manager_views import _prepare

GOAL_MS = 300
USERS = ("mgr-hn", "mgr-cs")
PASSWORD = "demo2018"
ROOT = Path(__file__).resolve().parent.parent


def _views(today: date) -> dict[str, str]:
    """Label → path of the views asked for (the first is the figure's)."""
    month = today.replace(day=1).isoformat()
    year = today.replace(month=1, day=1).isoformat()
    return {
        "default": "/dashboard",
        "org_city": "/dashboard?org=CS",
        "three_months": f"/dashboard?from={today.replace(day=1, month=max(1, today.month - 2))}"
                        f"&to={today.isoformat()}",
        "year": f"/dashboard?from={year}&to={today.isoformat()}",
        "month_city": f"/dashboard?org=CS&from={month}&to={today.isoformat()}",
        "cases_list": "/cases",
    }


def p95(values: list[float]) -> float:
    """The nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _database(server: str, name: str, cases: int) -> str:
    """The URL of the benchmark's database holding exactly *cases* cases (made if needed)."""
    url = make_url(server).set(database=name)
    admin = create_engine(make_url(server).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    have = -1
    if exists:
        probe = make_engine(url.render_as_string(hide_password=False))
        try:
            with session_scope(probe) as s:
                have = s.scalar(select(func.count()).select_from(TransferCase)) or 0
        except Exception:  # a half-made database is made again
            have = -1
        probe.dispose()
    if have != cases:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.render_as_string(hide_password=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ZHUANJIE_DATABASE_URL": url, "ZHUANJIE_LOG_LEVEL": "WARNING",
           "ZHUANJIE_SCHEDULER_IN_WEB": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--workers", str(workers),
                             "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2):
                return proc
        except OSError:
            if proc.poll() is not None:
                told = proc.stderr.read() if proc.stderr else b""
                raise RuntimeError("the server stopped: " + told.decode()[-2000:]) from None
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the server did not answer in 60 s")


def _sign_in(base: str, username: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"username": username, "password": PASSWORD}
    if token:
        form["csrf_token"] = token.group(1)
    reply = opener.open(f"{base}/login", urllib.parse.urlencode(form).encode(), timeout=30)
    if "/login" in reply.geturl():
        raise RuntimeError(f"{username} could not sign in")
    return opener


def _get_ms(opener: urllib.request.OpenerDirector, url: str) -> float:
    started = time.perf_counter()
    with opener.open(url, timeout=120) as reply:
        body = reply.read()
        if reply.status != 200 or b"/login" in reply.geturl().encode():
            raise RuntimeError(f"{url}: status {reply.status}")
    elapsed = (time.perf_counter() - started) * 1000
    if not body:
        raise RuntimeError(f"{url}: empty body")
    return elapsed


def _measure(base: str, views: dict[str, str], warmup: int, requests: int, detail: int
             ) -> dict[str, dict[str, Any]]:
    """Per user and view: the first request, p50, p95, max (the default view and the cases
    list *requests* times, the other views *detail* times)."""
    result: dict[str, dict[str, Any]] = {}
    for username in USERS:
        opener = _sign_in(base, username)
        for label, path in views.items():
            first = _get_ms(opener, base + path)  # the first request after start-up
            for _ in range(warmup):
                _get_ms(opener, base + path)
            count = requests if label in ("default", "cases_list") else detail
            runs = [_get_ms(opener, base + path) for _ in range(count)]
            result[f"{username} {label}"] = {
                "first_ms": round(first, 1), "p50_ms": round(sorted(runs)[len(runs) // 2], 1),
                "p95_ms": round(p95(runs), 1), "max_ms": round(max(runs), 1),
                "requests": count, "path": path}
            print(f"  {username:<7} {label:<13} p50 {result[f'{username} {label}']['p50_ms']:7.1f}"
                  f"  p95 {result[f'{username} {label}']['p95_ms']:7.1f} ms", file=sys.stderr)
    return result


def main() -> None:
    """Prepare the database, serve it, time the dashboard, print the figure's JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", required=True, help="PostgreSQL server URL, no database")
    parser.add_argument("--quick", action="store_true", help="5,000 cases, 10 requests")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--requests", type=int, default=None)
    parser.add_argument("--warmup", type=int, default=None)
    parser.add_argument("--detail-requests", type=int, default=None,
                        help="requests of the views with filters (default 20; --quick 5)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    cases = args.cases or (5_000 if args.quick else 100_000)
    requests = args.requests or (10 if args.quick else 50)
    name = "zj_bench_dashboard" + ("_quick" if args.quick else "")
    url = _database(args.pg, name, cases)
    started = time.perf_counter()
    engine = _prepare(url, cases)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does after a bulk load
    engine.dispose()
    prepared_s = time.perf_counter() - started
    port = _free_port()
    server = _serve(url, port, args.workers)
    try:
        views = _views(date.today())
        warmup = args.warmup if args.warmup is not None else 3 if args.quick else 5
        detail = args.detail_requests or (5 if args.quick else 20)
        timed = _measure(f"http://127.0.0.1:{port}", views, warmup, requests, detail)
    finally:
        server.terminate()
        server.wait(timeout=60)
    worst = max(timed[f"{u} default"]["p95_ms"] for u in USERS)
    dash_all = max(v["p95_ms"] for k, v in timed.items() if not k.endswith("cases_list"))
    baseline = max(timed[f"{u} cases_list"]["p95_ms"] for u in USERS)
    print(json.dumps({"figures": {"dashboard_p95_ms": {
        "value": worst, "unit": "ms", "goal": GOAL_MS, "op": "<=",
        "baseline": {"name": "GET /cases (first page) p95, same users", "value": baseline,
                     "unit": "ms"},
        "detail": {"cases": cases, "database": "postgresql", "server": f"gunicorn, "
                   f"{args.workers} sync workers, one client at a time",
                   "requests_default_view": requests, "worst_p95_any_view_ms": dash_all,
                   "prepare_s": round(prepared_s, 1), "views": timed}}}}, ensure_ascii=False))


if __name__ == "__main__":
    main()
