"""The demo data: loaded once, into a database without organisations."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.org.loader import TreeFile, UserRecord
from app.services.orgs import load_tree, org_count
from app.services.users import create_user


def load_demo(session: Session, tree: TreeFile, source: str) -> list[UserRecord] | None:
    """Load the demo tree, its members and users when the database has no organisation
    yet; returns the users created, or None when the database already had data."""
    if org_count(session):
        return None
    load_tree(session, tree, source)
    for user in tree.users:
        create_user(session, user.username, user.password, user.org, list(user.roles),
                    user.name)
    return tree.users
