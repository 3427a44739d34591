"""The web application: blueprints, sign-in, CSRF, security headers, error pages.

Each room (UI.md) is a blueprint of its own module; add it to :data:`BLUEPRINTS` and its
menu entry to :mod:`app.web.menu`.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from app.errors import Conflict, Forbidden, InvalidData, NotAllowed, NotFound, ZhuanjieError
from app.web.auth import init_auth
from app.web.filters import register_filters
from app.web.menu import menu_for
from app.web.support import close_db, me

log = logging.getLogger("zhuanjie.web")
csrf = CSRFProtect()

# modules that define ``bp`` (a Blueprint), registered in this order
BLUEPRINTS: list[str] = [
    "app.web.ops",  # /healthz, /ping, /metrics and the request metrics hooks
    "app.web.home",
    "app.web.guide",
    "app.web.vendor",
    "app.web.inbox",
    "app.web.tasks",
    "app.web.prints",
    "app.web.start",
    "app.web.notices",
    "app.web.editor",
    "app.web.calendar_admin",
    "app.web.org_admin",
    "app.web.api",
    "app.web.account",
    "app.web.member_progress",
    "app.web.cases",
    "app.web.dashboard",
]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
       "form-action 'self'; object-src 'none'")
# bpmn-js (the case diagrams, the dashboard's heatmap, the editor) positions its canvas,
# overlays, palette and menus with style attributes; those pages allow them, scripts stay
# 'self' only
CSP_STYLE_ATTRIBUTES = CSP.replace("style-src 'self';",
                                   "style-src 'self'; style-src-attr 'unsafe-inline';")


def _security_headers(response: Any) -> Any:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    if current_app.config["SETTINGS"].session_cookie_secure:
        # behind TLS: browsers must never fall back to plain HTTP for this site
        response.headers.setdefault("Strict-Transport-Security",
                                    "max-age=31536000; includeSubDomains")
    return response


def _error_page(status: int, message: str) -> tuple[str, int]:
    return render_template("errors/error.html", status=status, message=message), status


def _refuse_unstorable_input() -> None:
    """before_request: NUL characters in the path, the query or a form cannot be stored or
    looked up (PostgreSQL refuses them): a 400 for every page and the API alike."""
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.method == "POST" and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in v for v in values):
        from werkzeug.exceptions import BadRequest

        raise BadRequest("NUL character in the request")


def _is_api() -> bool:
    # URLs under /api/ that match no route (404, 405) never reach the API blueprint's
    # handlers: they answer in JSON here too
    return request.path == "/api" or request.path.startswith("/api/")


def _register_errors(app: Flask) -> None:
    kinds: list[tuple[type[ZhuanjieError], int]] = [
        (Forbidden, 403), (NotFound, 404), (Conflict, 409), (NotAllowed, 409),
        (InvalidData, 422)]
    for kind, status in kinds:
        app.register_error_handler(kind, lambda exc, s=status: _error_page(s, str(exc)))
    app.register_error_handler(CSRFError, lambda exc: _error_page(
        400, "页面已过期或请求来源无法验证，请返回后刷新页面再提交。"))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        if _is_api():
            from app.web.api.core import refusal_response

            return refusal_response(exc)
        messages = {403: "您没有权限访问此页面。", 404: "您访问的页面不存在。",
                    405: "不支持此操作。"}
        code = exc.code or 500
        return _error_page(code, messages.get(code, exc.description or "请求有误。"))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        if _is_api():
            from app.web.api.core import refusal_response

            return refusal_response(exc)
        log.exception("unexpected error on %s", request.path)
        return _error_page(500, "系统发生错误，请稍后重试；如仍有问题请联系系统管理员。")


def _context() -> dict[str, Any]:
    if not current_user.is_authenticated:
        return {"menu": [], "user": None}
    user = me()
    from app.models.org import Org
    from app.web.support import db

    return {"menu": menu_for(user), "user": user, "user_org": db().get(Org, user.org_id)}


def register_web(app: Flask) -> None:
    """Register sign-in, CSRF, filters, error pages and every blueprint on *app*."""
    csrf.init_app(app)
    init_auth(app)
    register_filters(app)
    app.teardown_appcontext(close_db)
    app.before_request(_refuse_unstorable_input)
    app.after_request(_security_headers)
    app.context_processor(_context)
    _register_errors(app)
    for name in BLUEPRINTS:
        module = importlib.import_module(name)
        app.register_blueprint(module.bp)
