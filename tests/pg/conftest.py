"""PostgreSQL-only tests reuse the engine fixtures."""

from tests.engine.conftest import deployed, recorder, settings  # noqa: F401
