"""Sign-in, sign-out, CSRF, security headers and error pages."""

from __future__ import annotations

from app import create_app
from tests.web.conftest import sign_in


def test_sign_in_and_out(client) -> None:
    assert client.get("/").headers["Location"].endswith("/login")
    page = client.get("/login")
    assert "用户登录" in page.get_data(as_text=True)
    bad = sign_in(client, "op-CS-YL", "wrong-password")
    assert bad.status_code == 401 and "用户名或密码不正确" in bad.get_data(as_text=True)
    ok = sign_in(client, "op-CS-YL")
    assert ok.status_code == 302
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = client.get("/", follow_redirects=True)
    assert "中共长沙市岳麓区委组织部" in home.get_data(as_text=True)
    out = client.post("/logout")
    assert out.headers["Location"].endswith("/login")
    assert client.get("/").headers["Location"].endswith("/login")


def test_disabled_user_cannot_sign_in(client, world) -> None:
    from sqlalchemy import update

    from app.db import session_scope
    from app.models import User

    with session_scope(world.engine, write=True) as s:
        s.execute(update(User).where(User.username == "op-CS").values(active=False))
    assert sign_in(client, "op-CS").status_code == 401


def test_next_parameter_cannot_leave_the_site(client) -> None:
    response = client.post("/login?next=https://evil.example/x",
                           data={"username": "op-CS", "password": "test-password-1"})
    assert response.headers["Location"] == "/"


def test_csrf_is_required_on_forms(world) -> None:
    app = create_app({"database_url": world.settings.database_url, "TESTING": True})
    response = app.test_client().post("/login", data={"username": "op-CS",
                                                     "password": "test-password-1"})
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)


def test_security_headers_and_chinese_error_pages(client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "您访问的页面不存在" in response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
