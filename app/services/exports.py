"""Exports of the cases list and the dashboard tables to CSV and XLSX, written as they are
read (CSV streams line by line; XLSX is written row by row in openpyxl's write-only mode to
a temporary file that is then streamed), so a long export never sits in memory.

公民身份号码 are masked unless the user may see full numbers and asks for them with a
reason; that request is written to the audit log (the ``system`` chain) before any row.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from sqlalchemy.orm import Session

from app import policy
from app.engine import audit
from app.engine.clock import SHANGHAI
from app.errors import InvalidData
from app.models.case import CASE_KINDS, CASE_STATUSES
from app.models.user import User
from app.org.idnumber import mask
from app.services.case_filters import CaseFilter
from app.services.case_query import CaseRow

FORMATS = ("csv", "xlsx")
CASE_HEADER = ["案件编号", "转接类型", "党员（组织）", "公民身份号码", "转出党组织", "转入党组织",
               "状态", "当前环节", "超期", "发起时间", "结束时间"]
MAX_SHEET_TITLE = 31
_CHUNK = 64 * 1024


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def case_rows(rows: Iterable[CaseRow], full_id: bool) -> Iterator[list[Any]]:
    """The header and one line per case, as the list shows them."""
    yield list(CASE_HEADER)
    for r in rows:
        steps = "；".join(f"{s.title}（{s.org_name}）" for s in r.steps)
        id_number = r.id_number if full_id else (mask(r.id_number) if r.id_number else "")
        yield [r.number, CASE_KINDS.get(r.kind, r.kind), r.member_name, id_number, r.from_org,
               r.to_org, CASE_STATUSES.get(r.status, r.status), steps,
               "是" if r.overdue else "", _cell(r.created_at), _cell(r.ended_at)]


def csv_stream(rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text in pieces, with a byte-order mark so that Excel reads the Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in rows:
        writer.writerow([_safe(_cell(v)) for v in row])
        if buffer.tell() >= _CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula is quoted (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def xlsx_file(sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]]) -> IO[bytes]:
    """A workbook with one sheet per (title, rows), in a temporary file at position 0."""
    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title=title[:MAX_SHEET_TITLE])
        for row in rows:
            sheet.append([_safe(_cell(v)) for v in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the caller streams and closes it
    book.save(out)
    out.seek(0)
    return out


def file_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    """The content of *handle* in chunks; closes it at the end."""
    try:
        while chunk := handle.read(_CHUNK):
            yield chunk
    finally:
        handle.close()


def allow_full_ids(session: Session, user: User, *, reason: str, what: str,
                   filters: CaseFilter, fmt: str, now: datetime) -> None:
    """Check that *user* may export full 公民身份号码 and audit the request."""
    policy.require(user, policy.Action.VIEW_FULL_ID)
    text = (reason or "").strip()
    if not text:
        raise InvalidData("导出完整公民身份号码须填写理由", {"reason": "请填写理由"})
    audit.append(session, chain=audit.SYSTEM_CHAIN, at=now, actor=user.username,
                 action="export_full_id", comment=text[:500],
                 changes={"export": what, "format": fmt, "filters": filters.to_args()})
