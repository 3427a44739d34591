"""``members import``: a CSV or XLSX sheet of the 党员基本信息采集表 columns, validated row by
row and written all or nothing, in one streaming pass with bounded memory.

Accepted rows go to ``member`` in batches and to the staging table ``member_import_row``
(row number, 编号, 公民身份号码), which finds duplicates within the file without holding the
file in memory. Rejections are spooled to a temporary file. Any rejection rolls the whole
transaction back.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from app.models import Member, MemberImportRow, Org
from app.org.records import MemberRecord, parse_member
from app.org.tree import BRANCH, OrgError
from app.services.members import member_values

#: Column headers of the sheet (党员基本信息采集表) and the member field each fills.
COLUMNS: dict[str, str] = {
    "编号": "code", "姓名": "name", "性别": "gender", "民族": "ethnicity",
    "出生日期": "birth_date", "公民身份号码": "id_number", "党员类别": "category",
    "所在党支部编码": "branch", "入党日期": "joined_on", "党费交至": "dues_paid_until",
    "联系电话": "phone",
}
OPTIONAL_COLUMNS = frozenset({"联系电话"})
BATCH = 1000
ANALYZE_FIRST = 5000  # staged rows before the first statistics refresh, then ×10
_TEXT_FIELDS = frozenset({"code", "branch", "phone"})

Row = tuple[int, dict[str, object]]
#: A row after field checks: number, record (None when invalid), 编号, problems.
Parsed = tuple[int, MemberRecord | None, str | None, list[str]]


class SheetError(OrgError):
    """A sheet that cannot be read at all (format, encoding, header)."""


@dataclass
class Sheet:
    """An open sheet: its header and a one-pass iterator of (row number, fields)."""

    rows: Iterator[Row]
    ignored_columns: list[str]
    close: Callable[[], None] = lambda: None


def _fields(header: list[str]) -> tuple[dict[int, str], list[str]]:
    """Column index → field, and the ignored headers; refuses a header that lacks columns."""
    by_index: dict[int, str] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        name = COLUMNS.get(title)
        if name is None:
            if title:
                ignored.append(title)
        elif name in by_index.values():
            raise SheetError(f"column {title} appears twice in the header")
        else:
            by_index[index] = name
    missing = [t for t, n in COLUMNS.items() if n not in by_index.values()
               and t not in OPTIONAL_COLUMNS]
    if missing:
        raise SheetError(f"the header (row 1) lacks the column(s) {', '.join(missing)}")
    return by_index, ignored


def _cell(name: str, value: object) -> object:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer() and name in _TEXT_FIELDS:
        return str(int(value))
    return value


def _records(rows: Iterable[tuple[int, Any]], by_index: dict[int, str]) -> Iterator[Row]:
    for number, values in rows:
        cells = list(values or ())
        if not any(c not in (None, "") and str(c).strip() for c in cells):
            continue
        yield number, {name: _cell(name, cells[i] if i < len(cells) else None)
                       for i, name in by_index.items()}


def _csv_records(rows: Iterable[tuple[int, list[str]]], by_index: dict[int, str]) -> Iterator[Row]:
    """:func:`_records` for CSV rows, whose cells are all text (the same result, faster)."""
    pairs = list(by_index.items())
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        size = len(cells)
        yield number, {name: cells[i].strip() if i < size else None for i, name in pairs}


def _csv_rows(handle: IO[str], path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        yield from enumerate(csv.reader(handle), start=1)
    except UnicodeDecodeError as exc:
        raise SheetError(f"{path.name} is not in the expected encoding ({exc.reason}); "
                         "try --encoding gb18030") from None
    except csv.Error as exc:
        raise SheetError(f"{path.name}: malformed CSV: {exc}") from None


def open_sheet(path: str | Path, encoding: str = "utf-8-sig") -> Sheet:
    """Open a ``.csv`` or ``.xlsx`` member sheet; the first row is the header."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise SheetError(f"{path.name}: only .csv and .xlsx files can be imported")
    try:
        if suffix == ".csv":
            handle = path.open(encoding=encoding, newline="")
            raw: Iterator[tuple[int, Any]] = _csv_rows(handle, path)
            closer: Callable[[], None] = handle.close
        else:
            raw, closer = _xlsx_rows(path)
    except OSError as exc:
        raise SheetError(f"cannot read {path}: {exc.strerror}") from None
    except LookupError:
        raise SheetError(f"unknown encoding {encoding!r}") from None
    try:
        first = next(raw, None)
        if first is None:
            raise SheetError(f"{path.name} is empty: the first row must be the header")
        by_index, ignored = _fields(["" if c is None else str(c).strip() for c in first[1]])
    except BaseException:
        closer()
        raise
    records = _csv_records(raw, by_index) if suffix == ".csv" else _records(raw, by_index)
    return Sheet(records, ignored, closer)


def _xlsx_rows(path: Path) -> tuple[Iterator[tuple[int, Any]], Callable[[], None]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # Sheets written by other tools often lack styles; that says nothing of the data.
            warnings.filterwarnings("ignore", message="Workbook contains no default style")
            book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError) as exc:
        raise SheetError(f"{path.name} is not a readable .xlsx workbook ({exc})") from None
    sheet = book.worksheets[0]
    return enumerate(sheet.iter_rows(values_only=True), start=1), book.close


@dataclass
class ImportReport:
    """The outcome of an import; rejections are kept in a temporary file."""

    rows: int = 0
    imported: int = 0
    rejected: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    # The spool lives as long as the report; close() drops it.
    _spool: IO[str] = field(default_factory=lambda: tempfile.TemporaryFile(  # noqa: SIM115
        "w+", encoding="utf-8"))

    def reject(self, row: int, code: str | None, reason: str) -> None:
        """Record why *row* is rejected."""
        self.rejected += 1
        self._spool.write(json.dumps({"row": row, "code": code, "reason": reason},
                                     ensure_ascii=False) + "\n")

    def rejections(self) -> Iterator[dict[str, Any]]:
        """The rejected rows in the order found."""
        self._spool.seek(0)
        for line in self._spool:
            yield json.loads(line)

    def close(self) -> None:
        """Drop the spooled rejections."""
        self._spool.close()


def _staged_first(session: Session, column: Any, values: set[str],
                  import_id: str) -> dict[str, int]:
    """For each of *values* already staged by this import, the first row that holds it."""
    query = (select(column, func.min(MemberImportRow.row_no))
             .where(MemberImportRow.import_id == import_id, column.in_(sorted(values)))
             .group_by(column))
    return dict(session.execute(query).all())


def _owners(session: Session, column: Any, values: set[str]) -> dict[str, str]:
    """For each of *values* already in ``member``, the code of the member holding it."""
    query = select(column, Member.code).where(column.in_(sorted(values)))
    return dict(session.execute(query).all())


_FIELD_TITLES = {name: title for title, name in COLUMNS.items()}
_FIELD_RE = re.compile(r"(?<![A-Za-z_])(" + "|".join(_FIELD_TITLES) + r")(?![A-Za-z_])")


def in_sheet_terms(message: str) -> str:
    """A validation message with field names written as the sheet's column headers."""
    return _FIELD_RE.sub(lambda m: _FIELD_TITLES[m.group(1)], message)


def db_reasons(number: int, code: str, branch: str, branch_kind: str | None, code_first: int,
               code_taken: bool, id_first: int, id_owner: str | None) -> list[str]:
    """Why row *number* cannot go in, from what the database and the earlier rows hold:
    the branch's kind (None: unknown), the first row with the same 编号 and 公民身份号码,
    whether a member has the 编号, and the member holding the number."""
    reasons = []
    if branch_kind is None:
        reasons.append(f"所在党支部编码: unknown branch {branch!r}")
    elif branch_kind != BRANCH:
        reasons.append(f"所在党支部编码: {branch} is a {branch_kind}, not a branch")
    if code_first != number:
        reasons.append(f"编号 {code} repeats row {code_first}")
    elif code_taken:
        reasons.append(f"编号 {code} is already in the database")
    if id_first != number:
        reasons.append(f"公民身份号码 repeats row {id_first}")
    elif id_owner is not None:
        reasons.append(f"公民身份号码 already belongs to member {id_owner} in the database")
    return reasons


class _Importer:
    """One import: a batch at a time, duplicates by staging table, rejections to a report."""

    def __init__(self, session: Session, report: ImportReport, now: datetime) -> None:
        self.session, self.report, self.now = session, report, now
        self.import_id = uuid.uuid4().hex
        self.staged = 0
        self.next_analyze = ANALYZE_FIRST

    def _refresh_statistics(self) -> None:
        """PostgreSQL plans the duplicate lookups from table statistics, which know nothing
        of the rows this transaction inserted: without a fresh ANALYZE the growing tables
        are scanned instead of searched by index. ANALYZE counts our own new rows."""
        if self.staged < self.next_analyze:
            return
        self.next_analyze *= 10
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("ANALYZE member_import_row"))
            self.session.execute(text("ANALYZE member"))

    def _known(self, batch: list[tuple[int, MemberRecord]]) -> dict[str, dict[str, Any]]:
        """What the database already knows about the batch's branches, codes and numbers."""
        s, iid = self.session, self.import_id
        if not batch:
            return {k: {} for k in ("branches", "staged_codes", "staged_ids", "codes", "ids")}
        codes = {r.code for _, r in batch}
        ids = {r.id_number for _, r in batch}
        branches = {r.branch for _, r in batch}
        return {
            "branches": {row.code: row for row in s.execute(
                select(Org.code, Org.id, Org.kind).where(Org.code.in_(sorted(branches))))},
            "staged_codes": _staged_first(s, MemberImportRow.code, codes, iid),
            "staged_ids": _staged_first(s, MemberImportRow.id_number, ids, iid),
            "codes": _owners(s, Member.code, codes),
            "ids": _owners(s, Member.id_number, ids),
        }

    @staticmethod
    def _reasons(number: int, record: MemberRecord, known: dict[str, dict[str, Any]]) -> list[str]:
        branch = known["branches"].get(record.branch)
        code_first = known["staged_codes"].setdefault(record.code, number)
        id_first = known["staged_ids"].setdefault(record.id_number, number)
        return db_reasons(number, record.code, record.branch,
                          None if branch is None else branch.kind, code_first,
                          record.code in known["codes"], id_first,
                          known["ids"].get(record.id_number))

    def flush(self, batch: list[Parsed]) -> None:
        """Check a batch, stage it, and insert its members while nothing was rejected;
        rejections are reported in row order."""
        valid = [(number, record) for number, record, _code, _problems in batch
                 if record is not None]
        known = self._known(valid)
        accepted: list[dict[str, Any]] = []
        for number, record, code, problems in batch:
            reasons = problems if record is None else self._reasons(number, record, known)
            if reasons:
                self.report.reject(number, code, "; ".join(reasons))
            elif record is not None and not self.report.rejected:
                branch_id = known["branches"][record.branch].id
                accepted.append({**member_values(record, branch_id), "status": "active",
                                 "created_at": self.now, "updated_at": self.now})
        if valid:
            self.session.execute(insert(MemberImportRow), [
                {"import_id": self.import_id, "row_no": number, "code": record.code,
                 "id_number": record.id_number} for number, record in valid])
            self.staged += len(valid)
        if accepted and not self.report.rejected:
            self.session.execute(insert(Member), accepted)
            self.report.imported += len(accepted)
        self._refresh_statistics()

    def finish(self) -> None:
        """Empty the staging rows of this import."""
        self.session.execute(delete(MemberImportRow)
                             .where(MemberImportRow.import_id == self.import_id))


def import_members(session: Session, rows: Iterable[Row], batch_size: int = BATCH,
                   today: date | None = None, now: datetime | None = None) -> ImportReport:
    """Validate and insert every row; the caller commits only when ``report.rejected`` is
    0 (the session is rolled back here otherwise). Never updates nor deletes a member.
    The caller closes the report. PostgreSQL stages the rows with COPY and checks them
    with set-based SQL (:mod:`app.services.member_import_pg`); the outcome is the same."""
    from app.services.member_import_pg import PgImporter

    report = ImportReport()
    now = now or datetime.now(UTC)
    importer: _Importer | PgImporter | None = None
    try:
        importer = (
            PgImporter(session, report, now) if session.get_bind().dialect.name == "postgresql"
            else _Importer(session, report, now))
        _run(session, rows, batch_size, today or date.today(), importer)
    except BaseException:
        if isinstance(importer, PgImporter):
            importer.abort()  # a no-op once the COPY has ended
        report.close()
        raise
    return report


def _run(session: Session, rows: Iterable[Row], batch_size: int, today: date,
         importer: Any) -> None:
    report = importer.report
    batch: list[Parsed] = []
    for number, raw in rows:
        report.rows += 1
        record, problems = parse_member(raw, today)
        code = raw.get("code")
        batch.append((number, record, str(code) if code not in (None, "") else None,
                      [in_sheet_terms(p) for p in problems]))
        if len(batch) >= batch_size:
            importer.flush(batch)
            batch = []
    if batch:
        importer.flush(batch)
    importer.finish()
    if report.rejected:
        session.rollback()
        report.imported = 0
