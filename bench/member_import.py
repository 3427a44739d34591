"""member_import_rows_per_s and member_import_peak_mb: ``zhuanjie members import`` of a
generated 1,000,000-row CSV into PostgreSQL, run as the real command in a subprocess.

    .venv/bin/python -m bench.member_import --pg postgresql+psycopg://postgres@127.0.0.1 [--quick]

The template database ``zj_bench_member_import_tpl`` (migrated, demo tree loaded) is made once;
each run copies it to ``zj_bench_member_import`` (``…_quick`` with --quick), so the import
meets the demo's members and nothing else. The CSV (the 党员基本信息采集表 columns; every
公民身份号码 well-formed with its check digit, none held by a demo member; branches of the
demo tree) is written once to var/bench/ and reused. The rate is rows ÷ the wall time of the
command, from start to exit; the peak is the largest resident set of the process
(``getrusage(RUSAGE_CHILDREN).ru_maxrss``, checked against /proc polling). The last line is
the JSON of the benchmark contract.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import resource
import subprocess
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg

from app.migrate import upgrade
from app.org.idnumber import make_id_number
from app.services.member_import import COLUMNS
from bench.pgbench_db import (
    ROOT,
    exists,
    libpq_url,
    migrated_with_demo,
    recreate,
    sa_url,
    zhuanjie_bin,
    zhuanjie_env,
)

RATE_GOAL = 20_000
PEAK_GOAL_MB = 500
TEMPLATE = "zj_bench_member_import_tpl"
REGIONS = ("430102", "430103", "430104", "430105", "430111", "430112", "430121", "430181",
           "430202", "430203", "430302", "430304", "430402", "430405", "430502", "430602",
           "430702", "430802", "430902", "431002", "431102", "431202", "431302", "433101")
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁"
            "潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦"
            "邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力斌宇浩凯健俊帆帅旭鹏"
ETHNICITIES = ("汉族",) * 17 + ("土家族", "苗族", "侗族")


def _template(server: str) -> None:
    """The migrated database with the demo tree, made once."""
    if exists(server, TEMPLATE):
        upgrade(sa_url(server, TEMPLATE))
        return
    engine, _ = migrated_with_demo(server, TEMPLATE)
    engine.dispose()


def _existing(server: str) -> tuple[list[str], set[str]]:
    """The demo's branch codes and the 公民身份号码 its members hold."""
    with psycopg.connect(libpq_url(server, TEMPLATE)) as conn:
        branches = [r[0] for r in conn.execute(
            "SELECT code FROM org WHERE kind = 'branch' AND active ORDER BY code")]
        ids = {r[0] for r in conn.execute("SELECT id_number FROM member")}
    return branches, ids


def _row(n: int, rng: random.Random, branches: list[str], taken: set[str]) -> list[str]:
    """Row *n* of the sheet: a member born 1946–2003 with a unique, valid number."""
    day, seq = n % 21000, n // 21000 * 2 + 1  # odd sequences: 男; +1 below: 女
    born = date(1946, 1, 1) + timedelta(days=day)
    female = rng.random() < 0.3
    region = REGIONS[n % len(REGIONS)]
    number = make_id_number(region, born, seq + female)
    while number in taken:  # a demo member holds it: take the next free sequence
        seq += 2 * 50
        number = make_id_number(region, born, seq + female)
    joined = born + timedelta(days=18 * 366 + rng.randrange(0, 3650))
    joined = min(joined, date(2025, 6, 30))
    return [f"BM{n:09d}", rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            "女" if female else "男", rng.choice(ETHNICITIES), born.isoformat(), number,
            "预备党员" if rng.random() < 0.05 else "正式党员", rng.choice(branches),
            joined.isoformat(), f"2026-{rng.randint(1, 10):02d}",
            f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"]


def write_csv(path: Path, rows: int, branches: list[str], taken: set[str]) -> None:
    """The sheet: header and *rows* valid members (seeded, so the same every time)."""
    rng = random.Random(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(COLUMNS))
        for n in range(1, rows + 1):
            writer.writerow(_row(n, rng, branches, taken))
    partial.replace(path)


class _Poll(threading.Thread):
    """The largest VmRSS of a process, read from /proc every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        status = Path(f"/proc/{self.pid}/status")
        while not self.done.wait(0.05):
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
            except OSError:
                return


def run_import(url: str, path: Path) -> dict[str, Any]:
    """``zhuanjie members import PATH`` as a subprocess: wall time, peak memory, output."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    proc = subprocess.Popen([zhuanjie_bin(), "members", "import", str(path)],
                            env={**zhuanjie_env(url), "ZHUANJIE_LOG_LEVEL": "INFO"}, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    poll = _Poll(proc.pid)
    poll.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - started
    poll.done.set()
    poll.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    if proc.returncode != 0:
        raise RuntimeError(f"members import failed ({proc.returncode}): {err[-2000:]}")
    return {"seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
            "ru_maxrss_mb": round(peak_kb / 1024, 1),
            "ru_maxrss_before_mb": round(before / 1024, 1),
            "polled_peak_mb": round(poll.peak_kb / 1024, 1), "stdout": out.strip()[-200:],
            "phases": _phases(err)}


def _phases(stderr: str) -> dict[str, float]:
    """The importer's own timing (its INFO log line), when it wrote one."""
    found = re.search(r"staged in ([\d.]+) s, checked in ([\d.]+) s, \d+ inserted in "
                      r"([\d.]+) s", stderr)
    if found is None:
        return {}
    return dict(zip(("read_and_stage_s", "check_s", "insert_s"),
                    map(float, found.groups()), strict=True))


def main(argv: list[str] | None = None) -> None:
    """Prepare the template and the CSV, import, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", required=True, help="PostgreSQL server URL without database")
    parser.add_argument("--quick", action="store_true", help="20,000 rows")
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args(argv)
    rows = args.rows or (20_000 if args.quick else 1_000_000)
    name = "zj_bench_member_import" + ("_quick" if args.quick else "")
    _template(args.pg)
    branches, taken = _existing(args.pg)
    path = ROOT / "var" / "bench" / f"members_{rows}.csv"
    if not path.exists():
        started = time.perf_counter()
        write_csv(path, rows, branches, taken)
        print(f"member_import: wrote {path} in {time.perf_counter() - started:.0f} s",
              flush=True)
    recreate(args.pg, name, TEMPLATE)
    url = sa_url(args.pg, name)
    run = run_import(url, path)
    with psycopg.connect(libpq_url(args.pg, name)) as conn:
        count = conn.execute("SELECT count(*) FROM member WHERE code LIKE 'BM%%'").fetchone()
    imported = count[0] if count else 0
    if imported != rows:
        raise RuntimeError(f"{imported} of {rows} members are in the database")
    rate = rows / run["seconds"]
    peak = run["ru_maxrss_mb"]
    print(f"member_import: {rows} rows in {run['seconds']} s = {rate:.0f} rows/s, "
          f"peak {peak} MB", flush=True)
    detail = {"rows": rows, "csv_mb": round(path.stat().st_size / 2**20, 1),
              "branches": len(branches), **run}
    print(json.dumps({"figures": {
        "member_import_rows_per_s": {"value": round(rate), "unit": "rows/s",
                                     "goal": RATE_GOAL, "op": ">=", "baseline": None,
                                     "detail": detail},
        "member_import_peak_mb": {"value": peak, "unit": "MB", "goal": PEAK_GOAL_MB,
                                  "op": "<=", "baseline": None,
                                  "detail": {"rows": rows, "polled_peak_mb":
                                             run["polled_peak_mb"]}},
    }}, ensure_ascii=False))


if __name__ == "__main__":
    main()
