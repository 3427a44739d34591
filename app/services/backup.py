"""Backups of the database: SQLite through its online backup API, PostgreSQL through
pg_dump / pg_restore.

A SQLite backup is taken from a read transaction, so writers go on while it runs and the
copy is one consistent instant (every audit chain verifies in it). It is written to a
temporary file, switched out of WAL mode (one self-contained file) and then renamed, so a
half-written backup never carries the final name. Restoring checks the file first (a
zhuanjie database, intact) and refuses to overwrite a database that holds data unless told.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url

COUNTED = ("transfer_case", "human_task", "timer", "audit_event", "member", "org")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup or restore wrote: the file, its size, rows of the main tables."""

    path: str
    bytes: int
    rows: dict[str, int]

    def to_json(self) -> dict[str, object]:
        """The result as one JSON object."""
        return {"file": self.path, "bytes": self.bytes, "rows": self.rows}


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(parsed.database)


def _rows(conn: sqlite3.Connection) -> dict[str, int]:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
            for t in COUNTED if t in tables}


def _check_sqlite_file(path: Path) -> dict[str, int]:
    """Refuse a file that is not an intact zhuanjie SQLite database; its row counts."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path}: the database file is damaged")
            names = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in names or "transfer_case" not in names:
                raise BackupError(f"{path}: not a zhuanjie database")
            return _rows(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a SQLite database ({exc})") from exc


def _copy(source: sqlite3.Connection, target: Path) -> None:
    with closing(sqlite3.connect(target)) as dest:
        source.backup(dest)  # all pages in one step: one consistent snapshot
        dest.execute("PRAGMA journal_mode=DELETE")


def _pg_url(url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client tools "
                          f"(Debian: apt-get install postgresql-client) or run {name} "
                          "yourself (see README, 备份与恢复)")
    return found


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise BackupError(f"{Path(command[0]).name}: {last}")


def backup(url: str, file: str | os.PathLike[str], overwrite: bool = False) -> BackupResult:
    """Back up the database at *url* into *file* (refused if it exists, unless *overwrite*)."""
    target = Path(file)
    if target.exists() and not overwrite:
        raise BackupError(f"{target} exists; choose another file or pass --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = _sqlite_path(url)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    if source is None:
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}",
              _pg_url(url)])
        os.replace(partial, target)
        return BackupResult(str(target), target.stat().st_size, {})
    if not source.exists():
        raise BackupError(f"no database at {source}")
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)) as conn:
            _copy(conn, partial)
        rows = _check_sqlite_file(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return BackupResult(str(target), target.stat().st_size, rows)


def _has_data(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return any(int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
                   for t in ("org", "transfer_case", "app_user") if t in names)


def restore(url: str, file: str | os.PathLike[str], overwrite: bool = False) -> BackupResult:
    """Restore *file* into the database at *url*. Stop the web and scheduler processes
    first; a database that holds data is replaced only with *overwrite*."""
    backup_file = Path(file)
    if not backup_file.is_file():
        raise BackupError(f"no backup file {backup_file}")
    target = _sqlite_path(url)
    if target is None:
        command = [_tool("pg_restore"), "--no-owner", "--exit-on-error"]
        if overwrite:
            command += ["--clean", "--if-exists"]
        _run([*command, f"--dbname={_pg_url(url)}", str(backup_file)])
        return BackupResult(str(backup_file), backup_file.stat().st_size, {})
    rows = _check_sqlite_file(backup_file)
    if _has_data(target) and not overwrite:
        raise BackupError(f"the database {target} holds data; pass --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)) as conn, \
            closing(sqlite3.connect(target, timeout=30)) as dest:
        conn.backup(dest)
    return BackupResult(str(target), target.stat().st_size, rows)
