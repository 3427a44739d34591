"""Party organisations (党组织): the tree of ROUTING.md §1."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, String, true
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base

ORG_KINDS = (
    "province_dept",
    "city_dept",
    "county_dept",
    "system",
    "committee",
    "general_branch",
    "branch",
)


class Org(Base):
    """One organisation; ``path`` is its chain of ids from the root, e.g. "/1/5/9/"."""

    __tablename__ = "org"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"), index=True)
    nationwide: Mapped[bool] = mapped_column(Boolean, default=False)
    approves_members: Mapped[bool] = mapped_column(Boolean, default=True)
    path: Mapped[str] = mapped_column(String(1000), default="/")
    depth: Mapped[int] = mapped_column(default=0)
    # a deactivated organisation stays in the tree (history, members' records) but takes
    # part in no new transfer; it is never deleted
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    __table_args__ = (Index("ix_org_path", "path"), Index("ix_org_name", "name"))
