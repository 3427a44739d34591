"""Rows of a running ``members import``: the staging table that finds duplicates within a
file of millions of rows without holding them in memory. Emptied when the import ends."""

from __future__ import annotations

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class MemberImportRow(Base):
    """One accepted row of import ``import_id``: its row number, 编号 and 公民身份号码."""

    __tablename__ = "member_import_row"

    import_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    row_no: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))

    __table_args__ = (
        Index("ix_member_import_row_code", "import_id", "code"),
        Index("ix_member_import_row_id_number", "import_id", "id_number"),
    )
