"""The landing page: signed-in users go to their first room."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template
from flask_login import current_user

from app.web.menu import menu_for
from app.web.support import me

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> Any:
    """The first room of the user's menu, or the sign-in page."""
    if not current_user.is_authenticated:
        return redirect("/login")
    rooms = menu_for(me())
    if rooms:
        return redirect(rooms[0][0])
    return render_template("home.html")
