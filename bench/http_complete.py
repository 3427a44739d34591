"""complete_http_per_s_pg: sustained task completions per second over HTTP (gunicorn, 2
workers, PostgreSQL), and trivial_http_per_s: the same server and client on ``/ping``.

    .venv/bin/python -m bench.http_complete [--pg URL] [--quick]

Preparation: one intra-province case is run to its level-1 approval (审批 at CS-YL-JY,
form data ``{"decision": "approve"}``) and copied (bench/clone.py) so that there are more
open approvals than the server can complete in the run; the operator op-CS-YL-JY gets an
API token. ``zhuanjie serve --workers 2`` is started on the database. The client is
CLIENT_PROCS processes × CLIENT_THREADS threads, each with its own share of the task ids,
sending ``POST /api/v1/tasks/<id>/complete`` with the bearer token (a new connection per
request: gunicorn's sync workers close it) until the time is up. First the same client
asks ``GET /ping`` for the same time. Every answer that is not 200 is an error; the
completed rows in the database are counted afterwards against the 200s. The client's and
the server's CPU seconds are reported: client, server and PostgreSQL share the machine.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from app.db import session_scope
from app.models import HumanTask, Org, User
from app.services import tokens
from bench.clone import clone_case
from bench.common import (
    ROOT,
    World,
    emit,
    figure,
    initiated,
    log,
    make_world,
    parse_args,
    pg_database,
)

CLIENT_PROCS, CLIENT_THREADS = 2, 3
LEVEL1 = "CS-YL-JY"
BODY = json.dumps({"data": {"decision": "approve"}}).encode()
WARMUP = 10


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request(port: int, method: str, path: str, token: str | None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Content-Type": "application/json"} if method == "POST" else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=BODY if method == "POST" else None, headers=headers)
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def _thread(port: int, token: str, ids: list[int] | None, until: float,
            out: dict[str, Any]) -> None:
    ok = errors = 0
    samples: list[str] = []
    i = 0
    while time.perf_counter() < until:
        if ids is None:
            method, path = "GET", "/ping"
        elif i < len(ids):
            method, path = "POST", f"/api/v1/tasks/{ids[i]}/complete"
            i += 1
        else:
            out["ran_out"] = True
            break
        try:
            status, body = _request(port, method, path, token if ids is not None else None)
        except OSError as exc:
            status, body = 0, repr(exc).encode()
        if status == 200:
            ok += 1
        else:
            errors += 1
            if len(samples) < 5:
                samples.append(f"{status}: {body[:200].decode('utf-8', 'replace')}")
    out.update(ok=out.get("ok", 0) + ok, errors=out.get("errors", 0) + errors,
               samples=out.get("samples", []) + samples)


def _client_proc(args: tuple[int, str, list[list[int]] | None, float, float]) -> dict[str, Any]:
    port, token, shares, start_at, seconds = args
    while time.time() < start_at:
        time.sleep(0.001)
    cpu = time.process_time()
    until = time.perf_counter() + seconds
    out: dict[str, Any] = {}
    threads = [threading.Thread(target=_thread, args=(
        port, token, shares[i] if shares is not None else None, until, out))
        for i in range(CLIENT_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out["cpu_s"] = time.process_time() - cpu
    out["ended"] = time.time()
    return out


def _ready(_: int) -> int:
    return os.getpid()


def _cpu_of(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _server_pids(master: int) -> list[int]:
    found = [master]
    for task in Path(f"/proc/{master}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(c) for c in children]
    return found


def _load(port: int, token: str, ids: list[int] | None, seconds: float,
          server: list[int]) -> dict[str, Any]:
    shares = None
    if ids is not None:
        n = CLIENT_PROCS * CLIENT_THREADS
        shares = [[ids[j] for j in range(k, len(ids), n)] for k in range(n)]
    with multiprocessing.get_context("spawn").Pool(CLIENT_PROCS) as pool:
        pool.map(_ready, range(CLIENT_PROCS))  # the processes are up and have imported
        start_at = time.time() + 0.3
        jobs = [(port, token, shares[p * CLIENT_THREADS:(p + 1) * CLIENT_THREADS]
                 if shares else None, start_at, seconds) for p in range(CLIENT_PROCS)]
        server_cpu = _cpu_of(server)
        results = pool.map(_client_proc, jobs)
        server_cpu = _cpu_of(server) - server_cpu
    elapsed = max(r["ended"] for r in results) - start_at
    ok, errors = sum(r.get("ok", 0) for r in results), sum(r.get("errors", 0) for r in results)
    client_cpu = sum(r["cpu_s"] for r in results)
    return {"per_s": round(ok / elapsed, 1), "ok": ok, "errors": errors,
            "seconds": round(elapsed, 2), "ran_out": any(r.get("ran_out") for r in results),
            "error_samples": [s for r in results for s in r.get("samples", [])][:5],
            "client_cpu_s": round(client_cpu, 2),
            "client_cores": round(client_cpu / elapsed, 2),
            "server_cpu_s": round(server_cpu, 2),
            "server_cores": round(server_cpu / elapsed, 2)}


def _prepare(world: World, copies: int) -> tuple[str, list[int]]:
    """Open level-1 approvals (the template and its copies) and op-CS-YL-JY's token."""
    # started now: the server completes with the real clock, and no deadline has passed
    # (an overdue case would fire its reminders on every completion)
    template = initiated(world, world.members(1)[0], datetime.now(UTC).isoformat())
    assert template.instance_id is not None
    clone_case(world.engine, template.instance_id, copies)
    with world.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
    with session_scope(world.engine, write=True) as s:
        user = s.scalar(select(User).where(User.username == f"op-{LEVEL1}"))
        assert user is not None
        secret = tokens.create_token(s, user, "bench", 1, datetime.now(UTC), 365).secret
        ids = list(s.scalars(select(HumanTask.id).join(
            Org, Org.id == HumanTask.assignee_org_id).where(
            Org.code == LEVEL1, HumanTask.task_spec == "approve",
            HumanTask.status == "open").order_by(HumanTask.id)))
    return secret, ids


def _serve(url: str, port: int, log_file: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ZHUANJIE_DATABASE_URL": url}
    zhuanjie = Path(sys.executable).parent / "zhuanjie"
    with log_file.open("wb") as out:
        server = subprocess.Popen([str(zhuanjie), "serve", "--workers", "2", "--port",
                                   str(port)], cwd=ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if _request(port, "GET", "/ping", None)[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"the server did not answer /ping within 60 s (see {log_file})")


def _completed(world: World, ids: list[int]) -> int:
    with session_scope(world.engine) as s:
        return int(s.scalar(select(func.count()).select_from(HumanTask).where(
            HumanTask.id.in_(ids), HumanTask.status == "completed")) or 0)


def main() -> None:
    """Prepare, serve, load, print the figures."""
    args = parse_args(__doc__)
    seconds, copies = (5.0, 1_500) if args.quick else (60.0, 15_000)
    url = pg_database(args.pg, "zj_bench_http_complete")
    world = make_world(url)
    log(f"http_complete: copying the case {copies} times")
    token, ids = _prepare(world, copies)
    port = _free_port()
    log_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"zj_bench_http_{port}.log"
    server = _serve(url, port, log_file)
    try:
        pids = _server_pids(server.pid)
        warm = [_request(port, "POST", f"/api/v1/tasks/{i}/complete", token)[0]
                for i in ids[:WARMUP]]
        log(f"server on :{port} (pids {pids}), warm-up answers {sorted(set(warm))}")
        trivial = _load(port, token, None, seconds, pids)
        log(f"/ping: {trivial}")
        done = _load(port, token, ids[WARMUP:], seconds, pids)
        log(f"complete: {done}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    stored = _completed(world, ids[WARMUP:])
    emit({
        "complete_http_per_s_pg": figure(
            done["per_s"], "completions/s", 150, ">=",
            {"name": "trivial_http_per_s: GET /ping, same server and client",
             "value": trivial["per_s"], "unit": "requests/s"},
            errors=done["errors"] + sum(1 for w in warm if w != 200),
            completed_rows=stored, acknowledged=done["ok"],
            lost=max(done["ok"] - stored, 0), run=done, warmup=warm.count(200),
            client=f"{CLIENT_PROCS} processes × {CLIENT_THREADS} threads, one connection "
                   "per request", workers=2, open_tasks=len(ids), quick=args.quick),
        "trivial_http_per_s": figure(
            trivial["per_s"], "requests/s", 150, ">=", None, errors=trivial["errors"],
            note="the ceiling of completions on this server and client (goal: above 150)",
            run=trivial, quick=args.quick),
    })


if __name__ == "__main__":
    main()
