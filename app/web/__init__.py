"""The web application: blueprints and request-scoped database sessions."""

from __future__ import annotations

from flask import Flask

from app.web import home


def register_web(app: Flask) -> None:
    """Register every blueprint on *app*."""
    app.register_blueprint(home.bp)
