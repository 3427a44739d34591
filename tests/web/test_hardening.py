"""Web hardening: CSRF on every form, cookies, session rotation, sign-in lockout, headers,
no inline scripts in templates, the API never trusting the session cookie."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from app.db import session_scope
from app.engine.clock import FixedClock, parse_instant
from app.models import AuditEvent
from app.web.api.core import PREFIX
from tests.factories import PASSWORD
from tests.procedures.conftest import World

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "web" / "templates"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_app(world: World, **overrides: object) -> Flask:
    return create_app({"database_url": world.settings.database_url, "TESTING": True,
                       **overrides})


def csrf_sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> object:
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token})


def _cookie(response: object) -> str:
    header = response.headers.get("Set-Cookie", "")  # type: ignore[attr-defined]
    return header.split(";", 1)[0]


def test_every_post_route_refuses_a_request_without_csrf_token(world: World) -> None:
    app = csrf_app(world)
    client = app.test_client()
    assert csrf_sign_in(client, "op-CS-YL").status_code == 302
    posts = [r for r in app.url_map.iter_rules() if "POST" in (r.methods or set())
             and not r.rule.startswith(PREFIX)]
    assert {r.endpoint for r in posts} >= {"auth.login", "auth.logout",
                                           "account.token_create", "account.token_revoke",
                                           "member_progress.lookup"}
    for rule in posts:
        path = re.sub(r"<any\(([^,)]+)[^)]*\):[a-z_]+>", r"\1", rule.rule)
        path = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "1", path)
        response = client.post(path, data={"name": "x"})
        assert response.status_code == 400, rule.rule
        assert "页面已过期" in response.get_data(as_text=True)


def test_the_api_ignores_the_session_cookie(world: World) -> None:
    app = csrf_app(world)
    client = app.test_client()
    assert csrf_sign_in(client, "op-CS-YL").status_code == 302
    answer = client.get(PREFIX + "/me")
    assert answer.status_code == 401 and answer.json["error"]["code"] == "unauthorized"
    posted = client.post(PREFIX + "/cases", json={"kind": "intra"})
    assert posted.status_code == 401  # not a CSRF page: the API has no cookie-based access


def test_session_cookie_is_rotated_at_sign_in_and_flags_are_set(world: World) -> None:
    app = csrf_app(world, session_cookie_secure=True)
    client = app.test_client()
    page = client.get("/login")
    before = _cookie(page)
    assert before.startswith("zhuanjie_session=")
    response = csrf_sign_in(client, "op-CS-YL")
    after = _cookie(response)
    assert after and after != before
    flags = response.headers["Set-Cookie"]
    assert "HttpOnly" in flags and "Secure" in flags and "SameSite=Lax" in flags
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    # the cookie from before signing in is not a signed-in session
    old = app.test_client()
    old.set_cookie("zhuanjie_session", before.split("=", 1)[1])
    assert old.get("/account/tokens").status_code == 302


def test_no_hsts_without_secure_cookies(world: World) -> None:
    response = csrf_app(world).test_client().get("/login")
    assert "Strict-Transport-Security" not in response.headers
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
                 "Referrer-Policy", "Permissions-Policy"):
        assert name in response.headers


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    # a JSON data island is not run (and CSP does not apply to it); everything else needs src
    inline = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>",
                        re.IGNORECASE)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
    javascript_url = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert templates
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert not inline.search(text), f"{path}: inline <script>"
        assert not handler.search(text), f"{path}: on…= attribute"
        assert not javascript_url.search(text), f"{path}: javascript: URL"


def _clocked(world: World, when: str) -> Flask:
    return csrf_app(world, WTF_CSRF_ENABLED=False, CLOCK=FixedClock(parse_instant(when)))


def _events(world: World, action: str) -> list[AuditEvent]:
    with session_scope(world.engine) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_sign_in_lockout_per_username_with_waiting_time(world: World) -> None:
    app = _clocked(world, "2026-03-02T09:00")
    client = app.test_client()
    for _ in range(world.settings.login_max_failures_per_user - 1):
        answer = client.post("/login", data={"username": "op-CS-YL", "password": "wrong"})
        assert answer.status_code == 401
    locked = client.post("/login", data={"username": "op-CS-YL", "password": "wrong"})
    assert locked.status_code == 429
    assert "请于 15 分钟后再试" in locked.get_data(as_text=True)
    app.config["CLOCK"] = FixedClock(parse_instant("2026-03-02T09:10"))
    still = client.post("/login", data={"username": "op-CS-YL", "password": PASSWORD})
    assert still.status_code == 429 and "请于 5 分钟后再试" in still.get_data(as_text=True)
    other = app.test_client().post("/login", data={"username": "op-CS", "password": PASSWORD})
    assert other.status_code == 302  # another username is not locked
    app.config["CLOCK"] = FixedClock(parse_instant("2026-03-02T09:15"))
    assert client.post("/login", data={"username": "op-CS-YL",
                                       "password": PASSWORD}).status_code == 302
    failed = _events(world, "sign_in_failed")
    assert len(failed) == world.settings.login_max_failures_per_user
    assert failed[0].changes["username"] == "op-CS-YL"
    assert len(_events(world, "sign_in_locked")) == 1


def test_sign_in_lockout_per_address(world: World) -> None:
    app = _clocked(world, "2026-03-02T09:00")
    client = app.test_client()
    for i in range(world.settings.login_max_failures_per_ip):
        client.post("/login", data={"username": f"nobody-{i}", "password": "wrong"})
    refused = client.post("/login", data={"username": "op-CS-YL", "password": PASSWORD})
    assert refused.status_code == 429
    elsewhere = app.test_client().post("/login", data={"username": "op-CS-YL",
                                                       "password": PASSWORD},
                                       environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert elsewhere.status_code == 302


def test_a_success_resets_the_username_count(world: World) -> None:
    app = _clocked(world, "2026-03-02T09:00")
    client = app.test_client()
    limit = world.settings.login_max_failures_per_user
    for _ in range(limit - 1):
        client.post("/login", data={"username": "op-CS-YL", "password": "wrong"})
    assert client.post("/login", data={"username": "op-CS-YL",
                                       "password": PASSWORD}).status_code == 302
    for _ in range(limit - 1):
        assert app.test_client().post("/login", data={"username": "op-CS-YL",
                                                      "password": "x"}).status_code == 401


def test_nul_characters_are_refused_before_any_lookup(world: World) -> None:
    app = csrf_app(world, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    assert client.post("/login", data={"username": "op\x00", "password": "x"}).status_code == 400
    assert client.post("/progress", data={"number": "ZJ\x00", "id_tail": "123456"}
                       ).status_code == 400
    answer = client.get("/api/v1/orgs/CS%00")
    assert answer.status_code == 400 and answer.json["error"]["code"] == "bad_request"
