"""The production WSGI entry: gunicorn serving ``create_app()`` in N worker processes.

``zhuanjie serve --workers N`` runs :func:`serve_gunicorn`; an external gunicorn may use
``gunicorn 'app.wsgi:application()'``. Each worker builds its own application (and so its
own database engine and pool) after the fork: nothing with a connection crosses a fork.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from app.config import Settings, secret_key


def application() -> Flask:
    """A fresh application for one worker process (the gunicorn factory target)."""
    from app import create_app

    return create_app({"scheduler_in_web": False})


class _Server(BaseApplication):  # type: ignore[misc]
    """gunicorn configured in code (no gunicorn.conf.py to keep beside the deployment)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return application()


METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_metrics_dir(settings: Settings, port: int) -> Path:
    """A fresh directory for prometheus_client's multiprocess files, exported to the
    workers as ``PROMETHEUS_MULTIPROC_DIR``: the one already given in the environment, or
    ``var/prometheus/<port>`` (one per server, so two servers never share files); files
    left by an earlier run are removed."""
    given = os.environ.get(METRICS_ENV)
    path = Path(given) if given else settings.path(f"var/prometheus/{port}")
    if path.is_dir():
        for leftover in path.glob("*.db"):
            leftover.unlink()
    path.mkdir(parents=True, exist_ok=True)
    os.environ[METRICS_ENV] = str(path)
    if "prometheus_client.values" in sys.modules:  # imported before the directory was set
        from prometheus_client import values

        values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
    return path


def _child_exit(_server: Any, worker: Any) -> None:
    """gunicorn hook in the master: a worker ended; drop its live-gauge files (its counters
    and histograms stay, so totals do not fall when a worker is replaced)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def serve_gunicorn(settings: Settings, *, host: str, port: int, workers: int,
                   timeout: int = 60) -> None:
    """Run gunicorn in the foreground until SIGTERM/SIGINT (graceful stop)."""
    secret_key(settings)  # create var/secret_key once, before the workers race for it
    prepare_metrics_dir(settings, port)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        "preload_app": False,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        "proc_name": "zhuanjie-web",
        "control_socket_disable": True,  # gunicorn 27: no shared ~/.gunicorn socket
        "child_exit": _child_exit,
    }
    _Server(options).run()
