"""The sign-in page in a real browser."""

from __future__ import annotations

from tests.browser.conftest import sign_in


def test_sign_in_shows_the_users_organisation(page) -> None:
    sign_in(page, "op-CS-YL")
    assert "中共长沙市岳麓区委组织部" in page.inner_text("header")
    page.click("text=退出")
    page.wait_for_url("**/login")
    assert page.is_visible("#username")
