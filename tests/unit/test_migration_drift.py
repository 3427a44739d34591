"""The models and the migrations describe the same schema (on SQLite and PostgreSQL).

The schema is made only by Alembic; the models are what the code queries. A column, index
or constraint added to one and not the other is reported by Alembic's autogenerate
comparison of the migrated database with the models' metadata.
"""

from __future__ import annotations

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

import app.models  # noqa: F401  (every model registered on Base.metadata)
from app.db import Base


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with warnings.catch_warnings():
        # expression indexes (ix_human_task_late) cannot be reflected: Alembic says so
        warnings.simplefilter("ignore")
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
