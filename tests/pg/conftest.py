"""PostgreSQL-only tests reuse the engine fixtures."""

from tests.engine.conftest import deployed, recorder, settings  # noqa: F401
from tests.procedures.conftest import world  # noqa: F401
