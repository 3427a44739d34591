"""zhuanjie: the Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app import pii

# every log record of every entry point (web, CLI, scheduler, scripts) is masked
pii.install()


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the web application from config.yaml, the environment and *overrides*."""
    from app.config import load_settings, secret_key
    from app.db import get_engine
    from app.web import register_web

    settings = load_settings()
    setting_changes = {k: v for k, v in (overrides or {}).items() if not k.isupper()}
    if setting_changes:
        settings = settings.replace(**setting_changes)
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.config["SETTINGS"] = settings
    app.config["SECRET_KEY"] = secret_key(settings)
    app.config["ENGINE"] = get_engine(settings.resolved_database_url)
    extra = {k: v for k, v in (overrides or {}).items() if k.isupper()}
    app.config.update(extra)  # Flask keys (TESTING, CLOCK …) given by tests
    register_web(app)
    return app
