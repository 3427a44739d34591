"""Drafts of diagrams that policy staff edit in the browser before deploying them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UtcDateTime


class DiagramDraft(Base):
    """One saved, not yet deployed, edit of a process: its BPMN source and its forms.

    ``base_deployment_id`` is the version it was opened from (None: uploaded or new);
    ``deployed_as`` is the deployment it became, once deployed (the draft is kept).
    """

    __tablename__ = "diagram_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(200))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    forms_json: Mapped[str] = mapped_column(Text, default="{}")
    base_deployment_id: Mapped[int | None] = mapped_column(ForeignKey("deployment.id"))
    deployed_as: Mapped[int | None] = mapped_column(ForeignKey("deployment.id"))
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
