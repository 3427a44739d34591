"""Shared fixtures: databases migrated by Alembic on SQLite and, when configured, PostgreSQL.

`ZHUANJIE_TEST_PG_URL` (set by .ci/run) adds a PostgreSQL variant to every test that uses
the ``engine`` fixture. Under ``CI=true`` a missing or unreachable PostgreSQL is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from app.db import Base, dispose_engines, make_engine
from app.migrate import upgrade

PG_URL = os.environ.get("ZHUANJIE_TEST_PG_URL", "")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ["sqlite"] + (["pg"] if PG_URL else [])


def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and not PG_URL:
        raise pytest.UsageError("CI=true needs ZHUANJIE_TEST_PG_URL: PostgreSQL must be tested")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite database migrated to head, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    dispose_engines()
    return path


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL schema of its own for this test session, migrated to head."""
    if not PG_URL:
        pytest.skip("ZHUANJIE_TEST_PG_URL is not set: PostgreSQL variant skipped")
    schema = f"zj_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # a configured but unreachable server is a failure, never a skip
        pytest.fail(f"PostgreSQL at ZHUANJIE_TEST_PG_URL is not reachable: {exc}")
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    upgrade(url)
    yield url
    dispose_engines()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _truncate_pg(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database: SQLite, then PostgreSQL when configured."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "zhuanjie.db"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_schema_url")
    engine = make_engine(url)
    _truncate_pg(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the test database."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the test database (the test commits what it needs)."""
    with Session(bind=engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def cli_env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the `zhuanjie` command at the test database; returns its URL."""
    monkeypatch.setenv("ZHUANJIE_DATABASE_URL", db_url)
    dispose_engines()
    return db_url


# ---------------------------------------------------------------- no personal data in logs
# The captured log of every test (pytest's log_level in pyproject.toml) is grepped for full
# 公民身份号码 and mobile numbers; one found anywhere fails the whole run at its end.

_PII_LEAKS: list[str] = []


def _pii_in(text: str) -> int:
    from tests.pii_check import leaks

    return len(leaks(text))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for title, content in report.sections:
        if "log" in title.lower() and content:
            found = _pii_in(content)
            line = f"{report.nodeid} [{title}]: {found} unmasked number(s)"
            if found and line not in _PII_LEAKS:  # later phases repeat earlier sections
                _PII_LEAKS.append(line)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):
        return  # xdist workers: the controller sees every report and decides
    if _PII_LEAKS:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("personal data in captured logs:", red=True)
            for line in _PII_LEAKS:
                reporter.write_line(f"  {line}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
