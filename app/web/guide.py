"""The user guide (docs/guide/*.md, in Chinese) served as pages of the application.

Markdown is rendered with raw HTML disabled, so a guide page cannot carry a script; links
between pages and to the screenshots are rewritten to the application's own routes.
"""

from __future__ import annotations

import re
from functools import cache

from flask import Blueprint, abort, render_template, send_from_directory
from markdown_it import MarkdownIt
from markupsafe import Markup
from werkzeug.wrappers import Response

from app.config import PROJECT_ROOT

bp = Blueprint("guide", __name__, url_prefix="/guide")
GUIDE = PROJECT_ROOT / "docs" / "guide"
PAGE = re.compile(r"^[a-z_]+$")
_LINK = re.compile(r'href="([a-z_]+)\.md"')


@cache
def _render(name: str, mtime: float) -> tuple[str, Markup]:
    text = (GUIDE / f"{name}.md").read_text(encoding="utf-8")
    html = MarkdownIt("commonmark", {"html": False}).render(text)
    html = _LINK.sub(lambda m: f'href="/guide/{m.group(1)}"', html)
    html = html.replace('src="images/', 'src="/guide/images/')
    title = text.splitlines()[0].lstrip("# ").strip() if text else name
    return title, Markup(html)


@bp.get("/", defaults={"name": "index"})
@bp.get("/<name>")
def page(name: str) -> str:
    """One page of the guide (index, branch_secretary, operator, manager, policy_staff …)."""
    path = GUIDE / f"{name}.md"
    if not PAGE.match(name) or not path.is_file():
        abort(404)
    title, body = _render(name, path.stat().st_mtime)
    return render_template("guide.html", title=title, body=body)


@bp.get("/images/<path:filename>")
def image(filename: str) -> Response:
    """A screenshot of the guide."""
    return send_from_directory(GUIDE / "images", filename, max_age=3600)
