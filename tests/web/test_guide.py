"""The user guide: one page per role, linked from the header, pictures served, no raw HTML."""

from __future__ import annotations

from app.web.guide import GUIDE
from tests.web.conftest import sign_in

ROLES = ("branch_secretary", "operator", "manager", "policy_staff", "member")


def test_every_role_has_a_page_with_its_pictures(client) -> None:
    index = client.get("/guide/").get_data(as_text=True)
    for role in ROLES:
        assert f'href="/guide/{role}"' in index
        page = client.get(f"/guide/{role}")
        assert page.status_code == 200
        for src in page.get_data(as_text=True).split('src="/guide/images/')[1:]:
            name = src.split('"')[0]
            with client.get(f"/guide/images/{name}") as picture:
                assert picture.status_code == 200, name
    assert client.get("/guide/../config").status_code == 404
    assert client.get("/guide/nope").status_code == 404


def test_the_header_links_the_guide(client) -> None:
    assert 'href="/guide/"' in client.get("/login").get_data(as_text=True)
    sign_in(client, "op-CS-YL")
    assert 'href="/guide/"' in client.get("/inbox").get_data(as_text=True)


def test_guide_pages_cannot_carry_html() -> None:
    for path in GUIDE.glob("*.md"):
        assert "<script" not in path.read_text(encoding="utf-8")
