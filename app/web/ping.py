"""``/ping``: a route that does nothing (no database, no session, no sign-in) — the ceiling
of the HTTP benchmark (bench/http_complete.py)."""

from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("ping", __name__)


@bp.get("/ping")
def ping() -> Response:
    """A tiny answer and nothing else."""
    return Response("pong\n", mimetype="text/plain")
