"""The production WSGI entry: gunicorn serving ``create_app()`` in N worker processes.

``zhuanjie serve --workers N`` runs :func:`serve_gunicorn`; an external gunicorn may use
``gunicorn 'app.wsgi:application()'``. Each worker builds its own application (and so its
own database engine and pool) after the fork: nothing with a connection crosses a fork.
"""

from __future__ import annotations

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


def serve_gunicorn(settings: Settings, *, host: str, port: int, workers: int,
                   timeout: int = 60) -> None:
    """Run gunicorn in the foreground until SIGTERM/SIGINT (graceful stop)."""
    secret_key(settings)  # create var/secret_key once, before the workers race for it
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
    }
    _Server(options).run()
