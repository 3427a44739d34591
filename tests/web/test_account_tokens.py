"""Personal API tokens: created on the account page, shown once, stored hashed, listed by
prefix, revoked; expired, revoked and disabled users' tokens are refused by the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from app import create_app
from app.db import session_scope
from app.models import ApiToken, AuditEvent, User
from app.services.tokens import token_hash
from tests.procedures.conftest import World
from tests.web.conftest import sign_in

SECRET = re.compile(r'<code class="secret">(zj_[A-Za-z0-9_\-]+)</code>')


def _app(world: World):
    return create_app({"database_url": world.settings.database_url, "TESTING": True,
                       "WTF_CSRF_ENABLED": False})


def test_create_show_once_list_and_revoke(world: World) -> None:
    app = _app(world)
    client = app.test_client()
    sign_in(client, "op-CS-YL")
    made = client.post("/account/tokens", data={"name": "平台对接", "days": "90"})
    assert made.status_code == 201
    secret = SECRET.search(made.get_data(as_text=True)).group(1)
    assert "尚未创建令牌" not in made.get_data(as_text=True)  # listed at once
    with session_scope(world.engine) as s:
        row = s.scalar(select(ApiToken))
        assert row.token_hash == token_hash(secret) and secret not in (row.prefix, row.name)
        assert secret.startswith(row.prefix) and len(row.prefix) < len(secret) // 3
        assert row.expires_at - row.created_at == timedelta(days=90)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in listing and row.prefix in listing and "平台对接" in listing
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/me", headers=bearer).json["username"] == "op-CS-YL"
    revoked = client.post(f"/account/tokens/{row.id}/revoke", follow_redirects=True)
    assert "已撤销" in revoked.get_data(as_text=True)
    assert api.get("/api/v1/me", headers=bearer).status_code == 401
    with session_scope(world.engine) as s:
        actions = list(s.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("api_token_%")).order_by(AuditEvent.id)))
    assert actions == ["api_token_created", "api_token_revoked"]


def test_token_form_refusals(world: World) -> None:
    client = _app(world).test_client()
    sign_in(client, "op-CS-YL")
    empty = client.post("/account/tokens", data={"name": " ", "days": "30"})
    assert empty.status_code == 422 and "必填" in empty.get_data(as_text=True)
    too_long = client.post("/account/tokens", data={"name": "x", "days": "400"})
    assert too_long.status_code == 422 and "有效期" in too_long.get_data(as_text=True)


def test_expired_tokens_and_disabled_users_are_refused(world: World) -> None:
    app = _app(world)
    client = app.test_client()
    sign_in(client, "op-CS-YL")
    secret = SECRET.search(client.post("/account/tokens", data={
        "name": "a", "days": "30"}).get_data(as_text=True)).group(1)
    bearer = {"Authorization": f"Bearer {secret}"}
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 200
    with session_scope(world.engine, write=True) as s:
        s.execute(update(ApiToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    with session_scope(world.engine, write=True) as s:
        s.execute(update(ApiToken).values(expires_at=datetime.now(UTC) + timedelta(days=1)))
        s.execute(update(User).where(User.username == "op-CS-YL").values(active=False))
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401


def test_bad_tokens_from_one_address_are_rate_limited(world: World) -> None:
    app = _app(world)
    for _ in range(world.settings.api_max_auth_failures_per_ip - 1):
        answer = app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer zj_x"})
        assert answer.status_code == 401
    limited = app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer zj_x"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert limited.json["error"]["code"] == "rate_limited"
    other = app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer zj_x"},
                                  environ_base={"REMOTE_ADDR": "10.7.7.7"})
    assert other.status_code == 401
