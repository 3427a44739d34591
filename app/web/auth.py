"""Sign-in and sign-out with Flask-Login; passwords are checked by services.users (argon2)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.models.user import User
from app.services import throttle
from app.services.signin import sign_in
from app.web.support import client_ip, clock, db, settings, writing

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.session_protection = "strong"


class SignedIn(UserMixin):  # type: ignore[misc]
    """Flask-Login's view of a user row."""

    def __init__(self, user: User) -> None:
        self._user = user
        self.id = str(user.id)

    @property
    def is_active(self) -> bool:
        return bool(self._user.active)


@login_manager.user_loader  # type: ignore[untyped-decorator]
def load_user(user_id: str) -> SignedIn | None:
    user = db().get(User, int(user_id)) if user_id.isdigit() else None
    return SignedIn(user) if user is not None and user.active else None


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") \
            and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The sign-in page."""
    if request.method == "GET":
        return render_template("auth/login.html")
    username = request.form.get("username", "").strip()[:64]
    password = request.form.get("password", "")[:1024]
    with writing() as s:
        result = sign_in(s, settings(), username, password, client_ip(), clock().now())
    user = result.user
    if result.wait:
        flash(f"登录失败次数过多，已暂时锁定，请于 {throttle.minutes_text(result.wait)}后再试。",
              "error")
        return render_template("auth/login.html", username=username), 429
    if user is None:
        flash("用户名或密码不正确，或账号已停用。", "error")
        return render_template("auth/login.html", username=username), 401
    session.clear()  # a fresh session at sign-in: nothing from before survives
    session.permanent = True
    login_user(SignedIn(user))
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
@login_required  # type: ignore[untyped-decorator]
def logout() -> Response:
    """Sign out and forget the session."""
    logout_user()
    session.clear()
    flash("已安全退出。", "info")
    return redirect(url_for("auth.login"))


def init_auth(app: Flask) -> None:
    """Sessions and Flask-Login for *app*."""
    s = app.config["SETTINGS"]
    app.config.update(
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=s.session_lifetime_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=s.session_cookie_secure,
        SESSION_COOKIE_NAME="zhuanjie_session",
    )
    login_manager.init_app(app)
    app.register_blueprint(bp)
