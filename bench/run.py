"""`make bench`: run every benchmark module, merge their figures with a description of the
machine into bench/results.json, print the table.

    .venv/bin/python -m bench.run [--only engine_overhead,state_size] [--quick]
                                  [--pg URL] [--out bench/results.json]

Each module runs as its own process (``python -m bench.<module> --pg URL [--quick]``) with
a time limit; its last stdout line is ``{"figures": {...}}`` (docs/benchmarks.md). A module
that is not there, fails, times out or prints no figures is reported as missing with the
reason, and the others still run. A goal that is missed is information: the exit status
is 0 whenever the results were written.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
PG_ENV = "ZHUANJIE_BENCH_PG_URL"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
# module → (time limit in seconds, time limit with --quick)
MODULES: dict[str, tuple[int, int]] = {
    "engine_overhead": (900, 180),
    "http_complete": (1200, 240),
    "timers_fire": (2400, 240),
    "state_size": (300, 120),
    "inbox": (3600, 240),
    "member_import": (3600, 240),
    "dashboard": (3600, 240),
}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _os_name() -> str:
    try:
        found = re.search(r'^PRETTY_NAME="?([^"\n]*)', Path("/etc/os-release").read_text(), re.M)
        if found:
            return f"{found.group(1)} ({platform.release()})"
    except OSError:
        pass
    return platform.platform()


def _pg_version(url: str) -> str:
    try:
        engine = create_engine(make_url(url).set(database="postgres"))
        with engine.connect() as conn:
            found = str(conn.execute(text("SHOW server_version")).scalar_one())
        engine.dispose()
        return found
    except Exception as exc:  # the machine description never stops the run
        return f"unreachable ({type(exc).__name__})"


def _git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()
        return head + ("+uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine(pg_url: str) -> dict[str, Any]:
    """What the figures were measured on."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpu_model": _cpu_model(), "cpu_count": os.cpu_count(), "memory_gb": _memory_gb(),
        "os": _os_name(), "python": platform.python_version(),
        "postgresql": _pg_version(pg_url), "sqlite": sqlite3.sqlite_version,
        "spiffworkflow": version("SpiffWorkflow"), "git_commit": _git_commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
    }


def _last_json(stdout: str) -> dict[str, Any] | None:
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                found = json.loads(line)
            except ValueError:
                return None
            return found if isinstance(found, dict) else None
        if line:
            return None
    return None


def _check(figures: Any) -> str | None:
    """None when *figures* follows the contract, else what is wrong."""
    if not isinstance(figures, dict) or not figures:
        return "no figures"
    for name, fig in figures.items():
        if not isinstance(fig, dict) or not isinstance(fig.get("value"), int | float):
            return f"figure {name} has no numeric value"
        if fig.get("op") not in ("<=", ">=") or not isinstance(fig.get("goal"), int | float):
            return f"figure {name} has no goal or op"
    return None


def run_module(name: str, pg_url: str, quick: bool, limit: int) -> dict[str, Any]:
    """Run one module; its figures, or ``{"missing": reason}``."""
    if find_spec(f"bench.{name}") is None:
        return {"missing": f"bench/{name}.py is not there"}
    cmd = [sys.executable, "-m", f"bench.{name}", "--pg", pg_url] + (["--quick"] if quick else [])
    started = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired as exc:
        tail = (exc.stderr or b"")[-2000:] if isinstance(exc.stderr, bytes) else ""
        return {"missing": f"timed out after {limit} s", "stderr_tail": str(tail)}
    seconds = round(time.perf_counter() - started, 1)
    found = _last_json(done.stdout)
    if done.returncode != 0 or found is None:
        return {"missing": f"exit status {done.returncode}" if done.returncode
                else "no JSON on the last stdout line", "seconds": seconds,
                "stderr_tail": done.stderr[-2000:]}
    problem = _check(found.get("figures"))
    if problem:
        return {"missing": f"bad output: {problem}", "seconds": seconds}
    return {"figures": found["figures"], "seconds": seconds}


def met(fig: dict[str, Any]) -> bool:
    """The figure is at or better than its goal (and its run reported no errors)."""
    value, goal = fig["value"], fig["goal"]
    ok = value <= goal if fig["op"] == "<=" else value >= goal
    return bool(ok and not (fig.get("detail") or {}).get("errors"))


def table(results: dict[str, Any]) -> str:
    """The figures as a Markdown table (missing modules named)."""
    lines = ["| figure | value | goal | met? | baseline |", "|---|---|---|---|---|"]
    if results.get("quick"):
        lines.insert(0, "(--quick: small sizes, a smoke run — not the figures of the goals)\n")
    for module, outcome in results["modules"].items():
        if "missing" in outcome:
            lines.append(f"| {module} | missing: {outcome['missing']} | | | |")
            continue
        for name, fig in outcome["figures"].items():
            base = fig.get("baseline")
            shown = f"{base['value']} {base['unit']} ({base['name']})" if base else ""
            lines.append(f"| {name} | {fig['value']} {fig.get('unit', '')} | {fig['op']} "
                         f"{fig['goal']} | {'yes' if met(fig) else 'NO'} | {shown} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the modules, write the results, print the table."""
    parser = argparse.ArgumentParser(description="Run the benchmark modules (make bench).")
    parser.add_argument("--only", help="comma-separated module names (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes (the smoke test)")
    parser.add_argument("--pg", default=os.environ.get(PG_ENV, DEFAULT_PG),
                        help=f"PostgreSQL server URL without a database (${PG_ENV})")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    args = parser.parse_args(argv)
    chosen = [m.strip() for m in args.only.split(",") if m.strip()] if args.only else \
        list(MODULES)
    unknown = [m for m in chosen if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s): {', '.join(unknown)}; known: {', '.join(MODULES)}")
    results: dict[str, Any] = {"machine": machine(args.pg), "quick": args.quick, "modules": {}}
    for name in chosen:
        limits = MODULES[name]
        print(f"bench: {name} …", file=sys.stderr, flush=True)
        outcome = run_module(name, args.pg, args.quick, limits[1] if args.quick else limits[0])
        results["modules"][name] = outcome
        print(f"bench: {name}: {outcome.get('missing') or 'done'}", file=sys.stderr, flush=True)
    results["figures"] = {k: v for o in results["modules"].values()
                          for k, v in o.get("figures", {}).items()}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
