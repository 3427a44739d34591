"""Paper letters (介绍信): the serial number counters, one per issuing organisation and year."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class LetterSerial(Base):
    """The last serial number (第 N 号) that an organisation gave a letter in a year.

    Numbers are taken by ``app.services.letters.allocate_serial`` inside the issuing
    transaction, so they run 1, 2, 3 … without gaps or duplicates.
    """

    __tablename__ = "letter_serial"

    issuer_org_id: Mapped[int] = mapped_column(
        ForeignKey("org.id"), primary_key=True, autoincrement=False
    )
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column()

    __table_args__ = (
        CheckConstraint("last_number >= 1", name="last_number_positive"),
        CheckConstraint("year BETWEEN 1 AND 9999", name="year_range"),
    )
