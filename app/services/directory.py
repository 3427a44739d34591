"""The organisation directory over the database: a node and its ancestors by ``path``.

``Org.path`` holds the ids from the root down to the organisation itself ("/1/5/9/"), so
a chain costs two indexed queries (the node's path, then its ancestors by id) however
large the tree; chains are cached per instance, and every ancestor's chain with them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Org
from app.org.tree import OrgNode, UnknownOrgError


def path_ids(path: str) -> list[int]:
    """The ids of a ``path`` value, root first."""
    return [int(part) for part in path.strip("/").split("/") if part]


class DbDirectory:
    """A :class:`app.org.tree.Directory` answered from the ``org`` table."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._chains: dict[str, list[OrgNode]] = {}

    def get(self, code: str) -> OrgNode:
        """The organisation with *code*; :class:`UnknownOrgError` when there is none."""
        return self.chain(code)[0]

    def chain(self, code: str) -> list[OrgNode]:
        """The organisation with *code*, then its ancestors up to the root."""
        cached = self._chains.get(code)
        if cached is not None:
            return list(cached)
        path = self._session.execute(select(Org.path).where(Org.code == code)).scalar()
        if path is None:
            raise UnknownOrgError(code)
        ids = path_ids(path)
        rows = self._session.execute(
            select(Org.id, Org.code, Org.name, Org.kind, Org.nationwide,
                   Org.approves_members).where(Org.id.in_(ids))
        ).all()
        by_id = {row.id: row for row in rows}
        nodes: list[OrgNode] = []
        parent: str | None = None
        for org_id in ids:
            row = by_id[org_id]
            nodes.append(OrgNode(row.code, row.name, row.kind, parent, row.nationwide,
                                 row.approves_members))
            parent = row.code
        chain = nodes[::-1]
        for index, node in enumerate(chain):
            self._chains.setdefault(node.code, chain[index:])
        return list(chain)
