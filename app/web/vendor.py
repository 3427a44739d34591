"""Front-end packages served from node_modules/ (installed by `npm ci`), never from a CDN.

Only the ``dist`` folders of the packages listed in :data:`PACKAGES` are served, so nothing
else under node_modules/ is reachable.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_from_directory
from werkzeug.wrappers import Response

from app.config import PROJECT_ROOT

bp = Blueprint("vendor", __name__, url_prefix="/vendor")
NODE_MODULES = PROJECT_ROOT / "node_modules"
# package → the folder of it that may be served
PACKAGES: dict[str, str] = {
    "bpmn-js": "dist",
    "chart.js": "dist",
}


@bp.get("/<package>/<path:filename>")
def asset(package: str, filename: str) -> Response:
    """A file of an allowed package's dist folder (long cache: versions are pinned)."""
    folder = PACKAGES.get(package)
    if folder is None:
        abort(404)
    root = Path(NODE_MODULES, package, folder)
    if not root.is_dir():
        abort(404)
    response = send_from_directory(root, filename, max_age=86400)
    return response
