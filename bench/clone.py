"""Many cases at the same step, made fast: copies of one real case, written by PostgreSQL.

One intra-province case is run through the services to the wanted step; its rows — the
instance (the state JSON), its human tasks and timers, the transfer case and its
organisations — are then copied N times by ``INSERT … SELECT … FROM generate_series`` on
the server. Every task id inside the state is renamed per copy (task guids are unique
across the database): the template's UUIDs become ``<n>-0000-4000-8000-<copy number>``.
The copies have no audit history (their chains start at the first step they take) and
share the template's member; each is otherwise a case the engine can go on with.

*shifted*: the copies numbered above it have every due instant (in the state, the timer
and task rows) moved one year on, so that only the first *shifted* copies fall due.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, text

from app.engine.clock import SHANGHAI

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SLOT = "@@@@@@@@@@@@"  # 12 characters: the copy number in hex
COPY_KEY = "lpad(to_hex(k), 12, '0')"
SHIFT = timedelta(days=365)


def _template_state(state: str) -> tuple[str, dict[str, str]]:
    names: dict[str, str] = {}
    for found in UUID_RE.findall(state):
        names.setdefault(found, f"{len(names):08x}-0000-4000-8000-{SLOT}")
    return UUID_RE.sub(lambda m: names[m.group(0)], state), names


def _columns(conn: Any, table: str, skip: tuple[str, ...]) -> list[str]:
    rows = conn.execute(text("SELECT column_name FROM information_schema.columns "
                             "WHERE table_name = :t AND table_schema = current_schema() "
                             "ORDER BY ordinal_position"), {"t": table}).scalars().all()
    return [c for c in rows if c not in skip]


def _shifted_state(conn: Any, instance_id: int) -> list[tuple[str, str]]:
    """The due instants as the state writes them (Shanghai ISO), and one year on."""
    dues = conn.execute(text("SELECT due_at FROM timer WHERE instance_id = :i"),
                        {"i": instance_id}).scalars().all()
    pairs = []
    for due in set(dues):
        local: datetime = due.astimezone(SHANGHAI)
        pairs.append((local.isoformat(), (local + SHIFT).isoformat()))
    return pairs


def _state_expr(pairs: list[tuple[str, str]]) -> str:
    shifted = ":state"
    for i in range(len(pairs)):
        shifted = f"replace({shifted}, :old{i}, :new{i})"
    return f"CASE WHEN k > :shifted THEN {shifted} ELSE :state END"


def clone_case(engine: Engine, instance_id: int, copies: int,
               shifted: int | None = None) -> list[int]:
    """Write *copies* copies of the case of *instance_id*; the new instance ids."""
    limit = copies if shifted is None else shifted
    with engine.begin() as conn:
        state = conn.execute(text("SELECT state FROM instance WHERE id = :i"),
                             {"i": instance_id}).scalar_one()
        template, names = _template_state(state)
        pairs = _shifted_state(conn, instance_id)
        base = conn.execute(text("SELECT coalesce(max(id), 0) FROM instance")).scalar_one()
        cbase = conn.execute(text("SELECT coalesce(max(id), 0) FROM transfer_case")).scalar_one()
        params: dict[str, Any] = {"n": copies, "src": instance_id, "base": base,
                                  "cbase": cbase, "state": template, "shifted": limit}
        for i, (old, new) in enumerate(pairs):
            params[f"old{i}"], params[f"new{i}"] = old, new
        _copy_instance(conn, params, _state_expr(pairs))
        _copy_rows(conn, "human_task", names, params)
        _copy_rows(conn, "timer", names, params)
        _copy_case(conn, params)
        for table in ("instance", "transfer_case"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
    return list(range(base + 1, base + copies + 1))


def _copy_instance(conn: Any, params: dict[str, Any], state_expr: str) -> None:
    cols = _columns(conn, "instance", ("id", "state"))
    listed = ", ".join(cols)
    conn.execute(text(
        f"INSERT INTO instance (id, state, {listed}) "
        f"SELECT :base + k, replace({state_expr}, '{SLOT}', {COPY_KEY}), {listed} "
        f"FROM instance, generate_series(1, :n) AS k WHERE instance.id = :src"), params)


def _copy_rows(conn: Any, table: str, names: dict[str, str], params: dict[str, Any]) -> None:
    cols = _columns(conn, table, ("id", "instance_id", "task_guid", "due_at"))
    listed = ", ".join(f"t.{c}" for c in cols)
    rows = conn.execute(text(f"SELECT task_guid FROM {table} WHERE instance_id = :src"),
                        params).scalars().all()
    for guid in rows:
        if guid not in names:  # a task no longer in the workflow's tree: history only
            continue
        conn.execute(text(
            f"INSERT INTO {table} (instance_id, task_guid, due_at, {', '.join(cols)}) "
            f"SELECT :base + k, replace(:guid, '{SLOT}', {COPY_KEY}), "
            f"CASE WHEN k > :shifted THEN t.due_at + interval '365 days' ELSE t.due_at END, "
            f"{listed} FROM {table} t, generate_series(1, :n) AS k "
            f"WHERE t.task_guid = :src_guid"), {**params, "guid": names[guid], "src_guid": guid})


def _copy_case(conn: Any, params: dict[str, Any]) -> None:
    cols = _columns(conn, "transfer_case", ("id", "number", "instance_id"))
    listed = ", ".join(f"c.{c}" for c in cols)
    conn.execute(text(
        f"INSERT INTO transfer_case (id, number, instance_id, {', '.join(cols)}) "
        f"SELECT :cbase + k, 'BX' || lpad(k::text, 10, '0'), :base + k, {listed} "
        f"FROM transfer_case c, generate_series(1, :n) AS k WHERE c.instance_id = :src"),
        params)
    conn.execute(text(
        "INSERT INTO case_org (case_id, org_id, role) "
        "SELECT :cbase + k, o.org_id, o.role FROM case_org o "
        "JOIN transfer_case c ON c.id = o.case_id, generate_series(1, :n) AS k "
        "WHERE c.instance_id = :src"), params)
