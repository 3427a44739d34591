"""The PostgreSQL path of ``members import``: the same checks and report as the row-batch
path of :mod:`app.services.member_import`, done with COPY and set-based SQL.

Rows that pass the field checks are copied into a temporary table; rows that fail them are
spooled aside. One query then finds, for every staged row, its branch, the first row with
the same 编号 and 公民身份号码, and the members already holding them; the reasons are worded
by :func:`app.services.member_import.db_reasons`, so both paths say the same. The two sets
of rejections are merged in row order. With no rejection, one INSERT … SELECT writes every
member. Memory stays bounded: rows stream to the server and rejections stream back.
"""

from __future__ import annotations

import heapq
import logging
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from app.services.member_import import ImportReport, Parsed

log = logging.getLogger("zhuanjie.members")
STAGE = "member_import_stage"
_FIELDS = ("code", "name", "gender", "ethnicity", "birth_date", "id_number", "category",
           "branch", "joined_on", "dues_paid_until", "phone")

_values = attrgetter(*_FIELDS)

_CREATE = f"""
CREATE TEMPORARY TABLE {STAGE} (
    row_no integer NOT NULL, code text NOT NULL, name text NOT NULL, gender text NOT NULL,
    ethnicity text NOT NULL, birth_date date NOT NULL, id_number text NOT NULL,
    category text NOT NULL, branch text NOT NULL, joined_on date NOT NULL,
    dues_paid_until text NOT NULL, phone text
) ON COMMIT DROP"""

# Every staged row with a problem: its branch's kind (NULL: unknown), the first row of its
# 编号 and 公民身份号码, whether the 编号 is taken and who holds the number. Members are
# never deleted, so "already in the database" is a plain join.
_PROBLEMS = f"""
WITH s AS (
    SELECT row_no, code, id_number, branch,
           min(row_no) OVER (PARTITION BY code) AS code_first,
           min(row_no) OVER (PARTITION BY id_number) AS id_first
    FROM {STAGE})
SELECT s.row_no, s.code, s.branch, o.kind, s.code_first, m1.id IS NOT NULL AS code_taken,
       s.id_first, m2.code AS id_owner
FROM s
LEFT JOIN org o ON o.code = s.branch
LEFT JOIN member m1 ON m1.code = s.code
LEFT JOIN member m2 ON m2.id_number = s.id_number
WHERE o.id IS NULL OR o.kind <> 'branch' OR s.code_first <> s.row_no
   OR s.id_first <> s.row_no OR m1.id IS NOT NULL OR m2.id IS NOT NULL
ORDER BY s.row_no"""

_INSERT = f"""
INSERT INTO member (code, name, gender, ethnicity, birth_date, id_number, category,
                    branch_id, joined_on, dues_paid_until, phone, status, created_at,
                    updated_at)
SELECT s.code, s.name, s.gender, s.ethnicity, s.birth_date, s.id_number, s.category, o.id,
       s.joined_on, s.dues_paid_until, s.phone, 'active', :now, :now
FROM {STAGE} s JOIN org o ON o.code = s.branch
ORDER BY s.row_no"""


class PgImporter:
    """One import on PostgreSQL with the interface of the row-batch importer."""

    def __init__(self, session: Session, report: ImportReport, now: datetime) -> None:
        from app.services.member_import import ImportReport

        self.session, self.report, self.now = session, report, now
        self.field_rejections = ImportReport()  # rows that failed the field checks
        self.started = time.perf_counter()
        session.execute(text(f"DROP TABLE IF EXISTS {STAGE}"))
        session.execute(text(_CREATE))
        # One COPY for the whole sheet: rows stream to the server, which stores them while
        # the next rows are parsed here.
        raw = session.connection().connection.driver_connection
        self._copying = ExitStack()
        cursor = self._copying.enter_context(raw.cursor())  # type: ignore[union-attr]
        self._copy = self._copying.enter_context(cursor.copy(
            f"COPY {STAGE} (row_no, {', '.join(_FIELDS)}) FROM STDIN"))

    def flush(self, batch: list[Parsed]) -> None:
        """Spool the batch's field rejections; stage its valid rows."""
        for number, record, code, problems in batch:
            if record is None:
                self.field_rejections.reject(number, code, "; ".join(problems))
            else:
                self._copy.write_row((number, *_values(record)))

    def abort(self) -> None:
        """End the COPY after a failure (the caller rolls back); drop the spool."""
        self._copying.__exit__(RuntimeError, RuntimeError("members import aborted"), None)
        self.field_rejections.close()

    def _db_rejections(self) -> Iterator[dict[str, Any]]:
        from app.services.member_import import db_reasons

        result = self.session.execute(text(_PROBLEMS).execution_options(
            stream_results=True, yield_per=5000))
        for row_no, code, branch, kind, code_first, taken, id_first, owner in result:
            reasons = db_reasons(row_no, code, branch, kind, code_first, taken, id_first,
                                 owner)
            yield {"row": row_no, "code": code, "reason": "; ".join(reasons)}

    def finish(self) -> None:
        """Check the staged rows, report every rejection in row order, and insert the
        members when there is none."""
        self._copying.close()  # the end of the COPY: the server has every row
        staged = time.perf_counter()
        self.session.execute(text("SET LOCAL work_mem = '256MB'"))
        self.session.execute(text(f"ANALYZE {STAGE}"))
        merged = heapq.merge(self.field_rejections.rejections(), self._db_rejections(),
                             key=lambda item: int(item["row"]))
        for item in merged:
            self.report.reject(item["row"], item["code"], item["reason"])
        self.field_rejections.close()
        checked = time.perf_counter()
        if not self.report.rejected:
            inserted: Any = self.session.execute(text(_INSERT), {"now": self.now})
            self.report.imported = int(inserted.rowcount)
        log.info("members import: %d rows read and staged in %.1f s, checked in %.1f s, "
                 "%d inserted in %.1f s", self.report.rows, staged - self.started,
                 checked - staged, self.report.imported, time.perf_counter() - checked)
        self.session.execute(text(f"DROP TABLE IF EXISTS {STAGE}"))
        self.session.execute(text("RESET work_mem"))
