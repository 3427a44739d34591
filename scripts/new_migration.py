"""Autogenerate an Alembic revision from the models: python scripts/new_migration.py ID "message".

It migrates a scratch SQLite database to head first, so the revision holds only the
difference. Review the file it writes: autogenerate misses triggers and data changes.
"""

import sys
import tempfile
from pathlib import Path

from alembic import command

from app.migrate import alembic_config, upgrade


def main() -> None:
    rev_id, message = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'scratch.db'}"
        upgrade(url)
        command.revision(alembic_config(url), message=message, autogenerate=True, rev_id=rev_id)


if __name__ == "__main__":
    main()
