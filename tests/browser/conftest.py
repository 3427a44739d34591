"""Browser tests: the application on a local port, driven by Playwright in Debian's Chromium.

Never downloads a browser: Chromium is /usr/bin/chromium (scripts/install-system-deps.sh
installs it). Without it these tests skip, saying why — except under CI=true, where a
missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from app import create_app
from tests.factories import PASSWORD
from tests.procedures.conftest import World, world  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic", "--disable-dev-shm-usage"]


def _need_browser() -> None:
    missing = []
    if not shutil.which(CHROMIUM):
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package")
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def live_server(world: World) -> Iterator[str]:  # noqa: F811
    """The application with the world's database, served on a free local port."""
    app = create_app({"database_url": world.settings.database_url,
                      "scheduler_in_web": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module (Playwright's sync API allows one running
    instance per thread, and other modules start their own)."""
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh browser page (its own cookies) at the application; console errors fail."""
    context = browser.new_context(base_url=live_server, locale="zh-CN",
                                  viewport={"width": 1366, "height": 768})
    errors: list[str] = []
    new_page = context.new_page()
    new_page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield new_page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
