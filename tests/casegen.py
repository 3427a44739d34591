"""Cases and tasks written straight into the tables, for the managers' views.

Two uses: tests describe a handful of cases with fixed dates (:class:`C`, :class:`T`) whose
figures are known by hand; the benchmark (bench/manager_views.py) makes 100,000 random
cases on the demo tree with :func:`random_cases`. Nothing here runs the engine: the rows
look like the engine's (one instance per case, human tasks with due times, case_org links),
and the instance state is empty, so only row-based views may read them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.engine.clock import SHANGHAI, parse_instant
from app.models import HumanTask, Instance, Member, Org, TransferCase
from app.models.case import FINAL_STATUSES, PROCESS_OF_KIND, CaseOrg
from app.models.engine import Deployment
from app.org.idnumber import make_id_number
from app.workcal import Calendar

CHUNK = 2000


def instant(text: str | None) -> datetime | None:
    """An ISO instant (Asia/Shanghai when it has no offset) in UTC."""
    return parse_instant(text).astimezone(UTC) if text else None


@dataclass
class T:
    """A human task: its step, organisation, times (ISO, Shanghai) and decision."""

    spec: str
    org: str
    created: str
    due: str | None = None
    done: str | None = None
    status: str | None = None        # default: completed when done, else open
    decision: str | None = None
    reason: str | None = None
    claimed_by: str | None = None
    limit: int | None = 5


@dataclass
class C:
    """A case: kind, status, times, organisations and tasks."""

    created: str
    from_org: str
    orgs: list[str]
    tasks: list[T] = field(default_factory=list)
    kind: str = "intra"
    status: str = "approving"
    to_org: str | None = None
    ended: str | None = None
    member_name: str | None = None


def _deployments(session: Session) -> dict[str, int]:
    rows = session.execute(select(Deployment.process_id, func.max(Deployment.id))
                           .group_by(Deployment.process_id)).all()
    return {pid: dep_id for pid, dep_id in rows}


def _org_ids(session: Session) -> dict[str, int]:
    return {code: oid for code, oid in session.execute(select(Org.code, Org.id))}


def _members(session: Session, cases: list[C], ids: dict[str, int], seq0: int) -> list[int | None]:
    rows, now = [], datetime(2025, 1, 1, tzinfo=UTC)
    for i, c in enumerate(cases):
        if c.kind not in ("intra", "out", "out-of-system"):
            continue
        n = seq0 + i
        born = date(1960, 1, 1) + timedelta(days=n % 15000)
        rows.append({"code": f"GEN{n:07d}", "name": c.member_name or f"党员{n:06d}",
                     "gender": "男", "ethnicity": "汉族", "birth_date": born,
                     # (born, sequence) repeats only after 15000 × 999 cases
                     "id_number": make_id_number("430104", born, n % 999 + 1), "category": "full",
                     "branch_id": ids[c.from_org],
                     "joined_on": date(2010, 7, 1), "dues_paid_until": "2026-01",
                     "status": "active", "created_at": now, "updated_at": now})
    new = list(session.scalars(insert(Member).returning(Member.id, sort_by_parameter_order=True),
                               rows)) if rows else []
    it = iter(new)
    return [next(it) if c.kind in ("intra", "out", "out-of-system") else None for c in cases]


def _insert_chunk(session: Session, cases: list[C], ids: dict[str, int], deps: dict[str, int],
                  seq0: int) -> list[int]:
    members = _members(session, cases, ids, seq0)
    inst_rows = []
    for c in cases:
        created = instant(c.created)
        final = c.status in FINAL_STATUSES
        inst_rows.append({"deployment_id": deps[PROCESS_OF_KIND[c.kind]],
                          "process_id": PROCESS_OF_KIND[c.kind],
                          "status": ("cancelled" if c.status in ("cancelled", "withdrawn")
                                     else "completed") if final else
                          ("suspended" if c.status == "suspended" else "running"),
                          "state": "{}", "state_schema": 1, "version": 1,
                          "started_at": created, "started_by": "casegen", "updated_at": created,
                          "ended_at": instant(c.ended)})
    iids = list(session.scalars(insert(Instance).returning(
        Instance.id, sort_by_parameter_order=True), inst_rows))
    case_rows = []
    for n, (c, iid, mid) in enumerate(zip(cases, iids, members, strict=True)):
        created = instant(c.created)
        assert created is not None
        case_rows.append({
            "number": f"ZJ{created.astimezone(SHANGHAI).year}G{seq0 + n:07d}", "kind": c.kind,
            "status": c.status, "instance_id": iid, "member_id": mid,
            "from_org_id": ids[c.from_org], "to_org_id": ids.get(c.to_org or ""),
            "initiator_org_id": ids[c.orgs[0]], "receiver_org_id": None,
            "route": {"initiator": c.orgs[0]}, "destination": None,
            "letter": {} if mid else {"member": {"name": c.member_name or "外省党员"}},
            "created_at": created, "created_by": "casegen",
            "updated_at": instant(c.ended) or created, "ended_at": instant(c.ended),
            "outcome": c.status if c.status in FINAL_STATUSES else None})
    cids = list(session.scalars(insert(TransferCase).returning(
        TransferCase.id, sort_by_parameter_order=True), case_rows))
    links, tasks = [], []
    for c, cid, iid in zip(cases, cids, iids, strict=True):
        codes = dict.fromkeys([c.from_org, *(c.orgs), *([c.to_org] if c.to_org else [])])
        links += [{"case_id": cid, "org_id": ids[code], "role": "generated"} for code in codes]
        tasks += [{**_task_row(t, iid, ids), "case_id": cid} for t in c.tasks]
    session.execute(insert(CaseOrg), links)
    if tasks:
        session.execute(insert(HumanTask), tasks)
    return cids


def _task_row(t: T, iid: int, ids: dict[str, int]) -> dict[str, Any]:
    status = t.status or ("completed" if t.done else "open")
    due = instant(t.due)
    return {"instance_id": iid, "task_guid": f"g{iid}-{t.spec}-{random.getrandbits(48):012x}",
            "task_spec": t.spec, "title": t.spec, "assignee_org_id": ids[t.org],
            "role": "operator", "status": status, "created_at": instant(t.created),
            "due_at": due, "due_basis": {"working_days": t.limit} if t.limit else None,
            "due_provisional": False, "overdue": bool(due and status == "open"),
            "claimed_by": t.claimed_by, "decision": t.decision, "reason_code": t.reason,
            "completed_at": instant(t.done),
            "completed_by": "casegen" if status == "completed" else None}


def insert_cases(session: Session, cases: Iterable[C]) -> list[int]:
    """Write *cases* (in chunks); the new case ids in order."""
    ids, deps = _org_ids(session), _deployments(session)
    seq0 = (session.scalar(select(func.count()).select_from(TransferCase)) or 0) + 1
    out: list[int] = []
    chunk: list[C] = []
    for c in cases:
        chunk.append(c)
        if len(chunk) >= CHUNK:
            out += _insert_chunk(session, chunk, ids, deps, seq0 + len(out))
            chunk = []
    if chunk:
        out += _insert_chunk(session, chunk, ids, deps, seq0 + len(out))
    return out


# --- random cases for the benchmark -------------------------------------------------------

def _iso(value: datetime) -> str:
    return value.astimezone(SHANGHAI).isoformat()


def _chains(session: Session) -> list[list[str]]:
    """For each branch: its code and its ancestors' codes up to the root."""
    rows = session.execute(select(Org.id, Org.code, Org.parent_id, Org.kind)).all()
    by_id = {r.id: r for r in rows}
    chains = []
    for r in rows:
        if r.kind != "branch":
            continue
        chain, node = [], r
        while node is not None:
            chain.append(node.code)
            node = by_id.get(node.parent_id) if node.parent_id else None
        chains.append(chain)
    return chains


def _route_tasks(rng: random.Random, cal: Calendar, start: datetime, levels: list[str],
                 now: datetime) -> tuple[list[T], str]:
    """Tasks along *levels* from *start*: each takes 0–9 working days; some are sent back;
    the last one may still be open at *now*. Returns the tasks and the case's status."""
    tasks, at = [], start
    for i, org in enumerate(levels):
        spec = ("initiate" if i == 0 else "receive" if i == len(levels) - 1 else "approve")
        limit = 15 if spec == "receive" else 5
        due = cal.add_working_days(at.astimezone(SHANGHAI).date(), limit).due
        took = rng.choice((0, 1, 1, 2, 2, 3, 4, 5, 6, 9))
        done = at + timedelta(days=took * 7 / 5, hours=rng.randint(1, 6))
        if done > now:
            tasks.append(T(spec, org, _iso(at), _iso(due), limit=limit))
            return tasks, "approving" if spec != "receive" else "awaiting_receipt"
        back = spec == "approve" and rng.random() < 0.06
        tasks.append(T(spec, org, _iso(at), _iso(due), _iso(done), limit=limit,
                       decision="send_back" if back else "approve",
                       reason=rng.choice(("info_incomplete", "info_incorrect",
                                          "archive_missing")) if back else None))
        at = done
    return tasks, "completed"


def random_cases(session: Session, n: int, *, seed: int, first: date, now: datetime,
                 cal: Calendar) -> Iterator[C]:
    """*n* intra-province cases between branches of the tree, started from *first* to *now*."""
    rng = random.Random(seed)
    chains = [c for c in _chains(session) if len(c) >= 3]
    span = (now - datetime.combine(first, datetime.min.time(), SHANGHAI)).total_seconds()
    for _ in range(n):
        src, dst = rng.choice(chains), rng.choice(chains)
        start = datetime.combine(first, datetime.min.time(), SHANGHAI) + timedelta(
            seconds=rng.random() * span)
        common = next((code for code in src if code in dst), src[-1])
        up = src[1:src.index(common) + 1] if common in src else src[1:]
        levels = list(dict.fromkeys([src[1], *up[1:], dst[1]]))
        tasks, status = _route_tasks(rng, cal, start, levels, now)
        ended = tasks[-1].done if status == "completed" else None
        yield C(_iso(start), src[0], levels, tasks, status=status, to_org=dst[0], ended=ended)


# --- a handful of cases with figures known by hand (the ROUTING.md example tree) ----------

NOW = "2026-04-15T10:00"  # the tests' "now"; the period examined is March 2026


def known_cases() -> list[C]:
    """Six cases; the tests of the managers' views state their figures.

    A, B: open and overdue now, each late in March at one level under CS-YL (A at CS-YL,
    B at CS-YL-JY-P1); A is also late at CS-YH. C: completed in January, late then.
    D: under HN-JG, late in March. E: refused in March at CS-YH-P1. F: incoming, on time.
    """
    return [
        C("2026-03-02T09:00", "CS-YL-P1-B1", ["CS-YL-P1", "CS-YL", "CS-YH"], [
            T("initiate", "CS-YL-P1", "2026-03-02T09:00", "2026-03-10T00:00",
              "2026-03-03T10:00", decision="initiate"),
            T("approve", "CS-YL", "2026-03-03T10:00", "2026-03-11T00:00", "2026-03-12T15:00",
              decision="approve", claimed_by="op-CS-YL"),
            T("approve", "CS-YH", "2026-03-12T15:00", "2026-03-20T00:00")],
          to_org="CS-YH-P1-B1", member_name="张三"),
        C("2026-03-09T09:00", "CS-YL-JY-P1-B1", ["CS-YL-JY-P1", "CS-YL-JY", "CS-YL"], [
            T("initiate", "CS-YL-JY-P1", "2026-03-09T09:00", "2026-03-17T00:00",
              "2026-03-09T11:00", decision="initiate"),
            T("approve", "CS-YL-JY", "2026-03-09T11:00", "2026-03-17T00:00",
              "2026-03-10T09:00", decision="send_back", reason="info_incomplete"),
            T("recheck", "CS-YL-JY-P1", "2026-03-10T09:00", "2026-03-18T00:00")],
          status="sent_back", to_org="CS-YL-P2-B1", member_name="李四"),
        C("2026-01-05T09:00", "CS-YL-P2-B1", ["CS-YL-P2", "CS-YL"], [
            T("initiate", "CS-YL-P2", "2026-01-05T09:00", "2026-01-13T00:00",
              "2026-01-06T10:00", decision="initiate"),
            T("approve", "CS-YL", "2026-01-06T10:00", "2026-01-14T00:00", "2026-01-20T10:00",
              decision="approve")],
          kind="out", status="completed", ended="2026-01-21T10:00", member_name="王五"),
        C("2026-03-16T09:00", "HN-JG-SW-B1", ["HN-JG-SW", "HN-JG", "CS-YH"], [
            T("initiate", "HN-JG-SW", "2026-03-16T09:00", "2026-03-24T00:00",
              "2026-03-16T15:00", decision="initiate"),
            T("approve", "HN-JG", "2026-03-16T15:00", "2026-03-24T00:00")],
          to_org="CS-YH-P1-B1", member_name="钱七"),
        C("2026-03-04T09:00", "CS-YH-P1-B1", ["CS-YH-P1"], [
            T("initiate", "CS-YH-P1", "2026-03-04T09:00", "2026-03-12T00:00",
              "2026-03-05T10:00", decision="refuse", reason="no_reason")],
          status="refused", ended="2026-03-05T10:00", to_org="CS-YL-P1-B1",
          member_name="孙八"),
        C("2026-04-01T09:00", "CS-YH", ["CS-YH", "CS-YH-P1"], [
            T("receive", "CS-YH-P1", "2026-04-01T09:00", "2026-04-24T00:00", limit=15)],
          kind="in", status="awaiting_receipt", to_org="CS-YH-P1-B1", member_name="赵六"),
    ]
