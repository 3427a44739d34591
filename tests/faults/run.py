"""`make faults`: kill -9 web workers and schedulers under load, then check nothing was lost.

    .venv/bin/python -m tests.faults.run --pg postgresql+psycopg://postgres@127.0.0.1:5432

On PostgreSQL database ``zj_faults`` (dropped and created fresh): gunicorn with 2 workers and
2 schedulers (1 s sweep) as subprocesses; client threads start intra-province cases and
complete tasks through /api/v1; a thread makes waiting timers due. Meanwhile a random worker
or scheduler is killed with SIGKILL every few seconds (schedulers are restarted, gunicorn
replaces its workers). Afterwards everything is stopped and the run checks: `zhuanjie
doctor` is clean, every completion acknowledged with a 2xx is in the database with its audit
event, no timer fired twice, no due timer left waiting, no 5xx answer, and every open case
can go on. The last line of output is a JSON summary; exit 1 on any violation.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.db import dispose_engines
from tests.faults import checks
from tests.faults.load import Advancer, Client, Tally
from tests.faults.procs import Fleet, log_findings
from tests.faults.world import World, build, drop_database


@dataclass
class Options:
    """The size of one run."""

    server: str
    database: str = "zj_faults"
    seconds: float = 60
    kills: int = 8
    clients: int = 4
    per_branch: int = 40
    seed: int = 10
    keep: bool = False


@dataclass
class Summary:
    """The figures and the violations of a run."""

    kills: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    violations: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {"ok": not any(self.violations.values()), "kills": self.kills,
                "figures": self.figures,
                "violations": {k: v for k, v in self.violations.items() if v}}


def log(message: str) -> None:
    """A progress line on stderr."""
    print(f"[faults {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _kill_one(fleet: Fleet, rng: random.Random, n: int) -> str:
    """Kill a web worker on even turns (when one is up), a scheduler otherwise."""
    workers = fleet.worker_pids()
    if n % 2 == 0 and workers:
        pid = rng.choice(workers)
        fleet.kill_worker(pid)
        return f"web worker {pid}"
    index = rng.randrange(len(fleet.schedulers))
    return f"scheduler {fleet.kill_scheduler(index)}"


def _load_phase(opts: Options, world: World, fleet: Fleet, tally: Tally,
                summary: Summary) -> list[str]:
    rng = random.Random(opts.seed)
    stop = threading.Event()
    free = sorted(world.members)
    threads: list[threading.Thread] = [
        Client(world, fleet.port, tally, free, stop, opts.seed + i) for i in range(opts.clients)]
    advancer = Advancer(world, tally, stop, opts.seed + 100)
    threads.append(advancer)
    for t in threads:
        t.start()
    began = time.monotonic()
    gap = opts.seconds / (opts.kills + 1)
    try:
        for n in range(opts.kills):
            stop.wait(max(0.0, began + gap * (n + 1) - time.monotonic()))
            what = _kill_one(fleet, rng, n)
            summary.kills.append(what)
            log(f"kill -9 {what} (requests so far {tally.requests})")
        stop.wait(max(0.0, began + opts.seconds - time.monotonic()))
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    return advancer.errors


def _drain(world: World, timeout: float = 60) -> list[str]:
    """Wait for the schedulers to fire what is due; what is still due after *timeout*."""
    deadline = time.monotonic() + timeout
    left = checks.unfired(world)
    while left and time.monotonic() < deadline:
        time.sleep(1)
        left = checks.unfired(world)
    return left


def _verify(opts: Options, world: World, fleet: Fleet, tally: Tally, summary: Summary) -> None:
    code, problems = checks.doctor(world, fleet.env())
    summary.figures["doctor_exit"] = code
    summary.violations["doctor"] = [json.dumps(p, ensure_ascii=False) for p in problems]
    if code != 0 and not problems:
        summary.violations["doctor"].append(f"doctor exited {code}")
    summary.violations["lost_completions"] = checks.lost_completions(world, tally)
    summary.violations["members_with_two_open_cases"] = \
        checks.members_with_two_open_cases(world)
    summary.violations["withdrawals"] = checks.withdrawals(world, tally)
    fired, twice = checks.timer_fires(world)
    summary.figures["timers_fired"] = fired
    summary.violations["timer_fired_twice"] = twice
    opened, stuck = checks.every_case_goes_on(world, random.Random(opts.seed))
    summary.figures["open_cases_moved_on"] = opened - len(stuck)
    summary.violations["cases_that_cannot_go_on"] = stuck
    code, problems = checks.doctor(world, fleet.env())
    summary.violations["doctor_after_going_on"] = [
        json.dumps(p, ensure_ascii=False) for p in problems]


def run(opts: Options) -> Summary:
    """One fault run; processes are always stopped, the database dropped unless kept."""
    summary, tally = Summary(), Tally()
    run_dir = Path(tempfile.mkdtemp(prefix="zj_faults_"))
    log(f"database {opts.database}, logs in {run_dir}")
    world = build(opts.server, opts.database, opts.per_branch)
    fleet = Fleet(world.url, run_dir)
    try:
        fleet.start_web()
        fleet.start_scheduler()
        fleet.start_scheduler()
        log(f"web on port {fleet.port} (workers {fleet.worker_pids()}), 2 schedulers; "
            f"load for {opts.seconds:.0f} s with {opts.kills} kills")
        advancer_errors = _load_phase(opts, world, fleet, tally, summary)
        fleet.wait_workers()
        log("load stopped; letting the schedulers fire what is due")
        summary.violations["due_timers_not_fired"] = _drain(world)
    finally:
        fleet.stop_all()
    log("processes stopped; checking")
    summary.figures["sweeps_that_fired"], summary.violations["errors_in_logs"] = \
        log_findings(run_dir)
    _verify(opts, world, fleet, tally, summary)
    summary.violations["server_errors"] = tally.server_errors
    summary.figures.update({
        "requests": tally.requests, "answers": dict(tally.statuses),
        "completions_acknowledged": len(tally.acked), "cases_started": len(tally.started),
        "withdrawals_acknowledged": len(tally.withdrawn),
        "timers_made_due": len(tally.advanced), "advancer_conflicts": len(advancer_errors),
        "logs": str(run_dir)})
    world.engine.dispose()
    dispose_engines()
    if not opts.keep:
        drop_database(opts.server, opts.database)
    return summary


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run, print the summary; 0 when nothing was violated."""
    parser = argparse.ArgumentParser(prog="python -m tests.faults.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", required=True,
                        help="PostgreSQL server URL without database "
                             "(postgresql+psycopg://postgres@127.0.0.1:5432)")
    parser.add_argument("--database", default="zj_faults")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--per-branch", type=int, default=40)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.kills < 0 or args.clients < 1 or args.per_branch < 1:
        parser.error("--seconds, --clients and --per-branch must be positive, --kills >= 0")
    opts = Options(server=args.pg, database=args.database, seconds=args.seconds,
                   kills=args.kills, clients=args.clients, per_branch=args.per_branch,
                   seed=args.seed, keep=args.keep)
    summary = run(opts)
    result = summary.to_json()
    for name, items in result["violations"].items():
        log(f"VIOLATION {name}: {len(items)}")
        for item in items[:20]:
            log(f"    {item}")
    log(f"kills {len(summary.kills)}, requests {summary.figures['requests']}, completions "
        f"acknowledged {summary.figures['completions_acknowledged']}, timers fired "
        f"{summary.figures['timers_fired']}, doctor exit {summary.figures['doctor_exit']}: "
        + ("OK" if result["ok"] else "FAILED"))
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
