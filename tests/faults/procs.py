"""The processes of a fault run: `zhuanjie serve --workers N` (gunicorn) and schedulers.

Every process is started in its own session (so a kill reaches only what we started), logs to
a file of the run directory, and is stopped by :meth:`Fleet.stop_all` whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ZHUANJIE = [sys.executable, "-c", "from app.cli import main; main()"]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def children(pid: int) -> list[int]:
    """The direct children of *pid* (Linux /proc)."""
    found: list[int] = []
    task_dir = Path(f"/proc/{pid}/task")
    if not task_dir.exists():
        return found
    for task in task_dir.iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return sorted(set(found))


@dataclass
class Fleet:
    """The web server and the schedulers of one run."""

    url: str
    run_dir: Path
    workers: int = 2
    port: int = field(default_factory=free_port)
    web: subprocess.Popen[bytes] | None = None
    schedulers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self, log_level: str = "WARNING") -> dict[str, str]:
        """The environment of every process: the run's database, a 1 s sweep."""
        env = dict(os.environ)
        env.update({"ZHUANJIE_DATABASE_URL": self.url, "ZHUANJIE_SECRET_KEY": "faults-" + "k" * 32,
                    "ZHUANJIE_SCHEDULER_INTERVAL_SECONDS": "1",
                    "ZHUANJIE_SCHEDULER_IN_WEB": "false", "ZHUANJIE_LOG_LEVEL": log_level,
                    "PYTHONUNBUFFERED": "1"})
        return env

    def _spawn(self, args: list[str], log_name: str) -> subprocess.Popen[bytes]:
        log = open(self.run_dir / log_name, "ab")  # noqa: SIM115 — closed with the process
        level = "INFO" if args[0] == "scheduler" else "WARNING"  # the sweeps' results
        proc = subprocess.Popen(ZHUANJIE + args, cwd=ROOT, env=self.env(level), stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.started.append(proc)
        return proc

    @property
    def base(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start_web(self, timeout: float = 60) -> None:
        """Start gunicorn and wait until both workers answer."""
        self.web = self._spawn(["serve", "--workers", str(self.workers), "--port",
                                str(self.port), "--timeout", "30"], "web.log")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise RuntimeError(f"the web server exited ({self.web.returncode}); "
                                   f"see {self.run_dir / 'web.log'}")
            if len(self.worker_pids()) == self.workers and self._answers():
                return
            time.sleep(0.3)
        raise RuntimeError(f"the web server did not answer within {timeout:.0f} s")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + "/api/v1/openapi.json", timeout=5) as resp:
                return bool(resp.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def worker_pids(self) -> list[int]:
        """The gunicorn workers now alive (children of the master)."""
        return children(self.web.pid) if self.web is not None else []

    def start_scheduler(self) -> subprocess.Popen[bytes]:
        """One more `zhuanjie scheduler`."""
        proc = self._spawn(["scheduler"], f"scheduler-{len(self.started)}.log")
        self.schedulers.append(proc)
        return proc

    def kill_worker(self, pid: int) -> None:
        """kill -9 one gunicorn worker (the master starts another)."""
        os.kill(pid, signal.SIGKILL)

    def kill_scheduler(self, index: int) -> int:
        """kill -9 one scheduler, reap it and start a new one in its place; the killed pid."""
        proc = self.schedulers[index]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        self.schedulers[index] = self._spawn(["scheduler"], f"scheduler-{len(self.started)}.log")
        return proc.pid

    def wait_workers(self, timeout: float = 30) -> None:
        """Wait until gunicorn has its full number of workers again."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.worker_pids()) < self.workers:
            time.sleep(0.2)

    def stop_all(self, grace: float = 20) -> None:
        """SIGTERM everything started (whole process groups), SIGKILL what outlives *grace*."""
        for proc in self.started:
            if proc.poll() is None:
                _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.started:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait(timeout=10)


def log_findings(run_dir: Path) -> tuple[int, list[str]]:
    """(sweeps that fired something, error lines) from the processes' logs.

    A gunicorn line about a worker we killed is expected; any other error is a finding.
    """
    sweeps, errors = 0, []
    for path in sorted(run_dir.glob("*.log")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if "timer sweep: {" in line:
                sweeps += 1
                if "'errors': []" not in line:
                    errors.append(f"{path.name}: {line[:300]}")
            elif ("ERROR" in line or "Traceback" in line) and "was sent SIGKILL" not in line:
                errors.append(f"{path.name}: {line[:300]}")
    return sweeps, errors


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)  # the process was started in a session of its own
