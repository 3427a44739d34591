"""The HTTP API under /api/v1: JSON in and out, bearer tokens only (never the session
cookie, hence exempt from CSRF), errors as ``{"error": {"code", "message", "fields"}}``.

The views live in the modules imported below; each is registered through
:func:`app.web.api.core.operation`, which documents it in the OpenAPI document served at
/api/v1/openapi.json.
"""

from __future__ import annotations

from flask import Blueprint

from app.web.api.core import PREFIX, authenticate, refusal_response

bp = Blueprint("api", __name__, url_prefix=PREFIX)
bp.before_request(authenticate)
bp.register_error_handler(Exception, refusal_response)

from app.web.api import (  # noqa: E402  (the view modules add their routes to bp)
    cases,
    misc,
    openapi,
    orgs,
    tasks,
)

__all__ = ["bp", "cases", "misc", "openapi", "orgs", "tasks"]


def _exempt_from_csrf() -> None:
    from app.web import csrf

    csrf.exempt(bp)


_exempt_from_csrf()
