"""Many human tasks on the demo tree, written with COPY, for the inbox benchmark.

Cases run between branches of the demo tree like the engine's intra-province transfers:
发起审核 at the applicant's committee, 逐级审批 up to the common ancestor, 档案审核 there,
接收 at the receiving committee and 报到 at the receiving branch. Each step takes a few
working days; steps that would end after *now* are still open, so most tasks are completed
and the open ones are the cases in flight. Branches are chosen with a heavy-tailed weight
(a few busy organisations, many quiet ones), and one committee is slow (a backlog of open
tasks). Instances have an empty state: only row-based views may read them, as in
tests/casegen.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg

from app.org.idnumber import make_id_number

SEED = 2026
YEARS = 3  # cases start within the three years before now
STAGES = {"initiate": "approving", "approve": "approving", "archive_review": "archive_verifying",
          "receive": "awaiting_receipt", "report": "awaiting_report"}
TITLES = {"initiate": "发起审核", "approve": "逐级审批", "archive_review": "档案审核",
          "receive": "接收", "report": "报到"}
TOOK = (0, 1, 1, 2, 2, 3, 4, 5, 6, 9)  # working days a step takes

OPERATOR_KINDS = frozenset({"committee", "system", "county_dept", "city_dept", "province_dept"})
TASK_COLUMNS = ("id", "instance_id", "task_guid", "task_spec", "title", "assignee_org_id",
                "role", "form", "status", "created_at", "due_at", "due_basis",
                "due_provisional", "overdue", "claimed_by", "stage", "decision",
                "completed_at", "completed_by", "case_id")


@dataclass
class Tree:
    """The demo tree as chains: each branch with its ancestors (branch first)."""

    chains: list[list[int]]
    weights: list[float]
    backlog: int                      # the slow committee
    kinds: dict[int, str]


@dataclass
class Batch:
    """Rows of the tables, in COPY order."""

    members: list[tuple[Any, ...]] = field(default_factory=list)
    instances: list[tuple[Any, ...]] = field(default_factory=list)
    cases: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)
    tasks: list[tuple[Any, ...]] = field(default_factory=list)


def read_tree(conn: psycopg.Connection[Any], rng: random.Random) -> Tree:
    """The branches' chains, a heavy-tailed weight per branch, and the slow committee."""
    rows = conn.execute("SELECT id, parent_id, kind FROM org WHERE active").fetchall()
    parent = {r[0]: r[1] for r in rows}
    kinds = {r[0]: r[2] for r in rows}
    chains = []
    for oid, _p, kind in sorted(rows):
        if kind != "branch":
            continue
        chain, node = [oid], parent.get(oid)
        while node is not None:
            if kinds[node] in OPERATOR_KINDS:  # general branches have no operator
                chain.append(node)
            node = parent.get(node)
        if len(chain) >= 3:
            chains.append(chain)
    weights = [rng.paretovariate(1.1) for _ in chains]
    load: dict[int, float] = {}
    for chain, weight in zip(chains, weights, strict=True):
        load[chain[1]] = load.get(chain[1], 0.0) + weight
    committees = sorted((w, o) for o, w in load.items() if kinds[o] == "committee")
    # the second busiest committee is the slow one (the busiest stays an ordinary busy one)
    backlog = committees[-2][1] if len(committees) > 1 else committees[-1][1]
    return Tree(chains, weights, backlog, kinds)


def _levels(src: list[int], dst: list[int]) -> list[tuple[str, int, str]]:
    """(step, organisation, role) of a case from branch chain *src* to *dst*."""
    common = next((o for o in src[1:] if o in dst), src[-1])
    up = src[1:src.index(common) + 1]
    steps = [("initiate", up[0], "operator")]
    steps += [("approve", org, "operator") for org in up[1:]]
    steps.append(("archive_review", up[-1], "operator"))
    steps.append(("receive", dst[1], "operator"))
    steps.append(("report", dst[0], "branch_secretary"))
    return steps


def _due(at: datetime, days: int) -> datetime:
    """Approximately *days* working days after *at*, at the end of a Shanghai day."""
    calendar_days = days * 7 // 5 + 1
    shanghai = (at + timedelta(hours=8)).date() + timedelta(days=calendar_days)
    return datetime(shanghai.year, shanghai.month, shanghai.day, tzinfo=UTC) - timedelta(hours=8)


class Generator:
    """Cases one at a time into a :class:`Batch`, with ids assigned here."""

    def __init__(self, tree: Tree, deployment: int, now: datetime, first_ids: dict[str, int],
                 rng: random.Random) -> None:
        self.tree, self.deployment, self.now, self.rng = tree, deployment, now, rng
        self.ids = dict(first_ids)
        self.span = YEARS * 365 * 86400
        self.open_tasks = 0

    def _next(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def _member(self, batch: Batch, branch: int, at: datetime) -> int:
        mid = self._next("member")
        born = date(1960, 1, 1) + timedelta(days=mid % 15000)
        batch.members.append((mid, f"BENCH{mid:08d}", f"党员{mid:07d}", "男", "汉族", born,
                              make_id_number("439901", born, mid // 15000 % 999 + 1), "full",
                              branch, date(2010, 7, 1), "2026-01", "active", at, at))
        return mid

    def _steps(self, batch: Batch, ids: tuple[int, int], steps: list[tuple[str, int, str]],
               start: datetime) -> tuple[str, datetime | None]:
        iid, cid = ids
        at, rng = start, self.rng
        for spec, org, role in steps:
            limit = 15 if spec == "receive" else 5
            due = _due(at, limit)
            slow = org == self.tree.backlog
            took = rng.uniform(0, 1000) if slow else rng.choice(TOOK) * 7 / 5
            done = at + timedelta(days=took, hours=rng.randint(1, 6))
            tid = self._next("human_task")
            common = (tid, iid, f"bench-{tid}", spec, TITLES[spec], org, role, spec,
                      "open" if done > self.now else "completed", at, due,
                      f'{{"working_days": {limit}}}', False)
            if done > self.now:
                self.open_tasks += 1
                batch.tasks.append((*common, due <= self.now, None, STAGES[spec], None,
                                    None, None, cid))
                return STAGES[spec], None
            decision = "approve" if spec != "report" else None
            batch.tasks.append((*common, False, None, STAGES[spec], decision, done, "bench",
                                cid))
            at = done
        return "completed", at

    def case(self, batch: Batch) -> None:
        """One case with its member, instance, links and tasks."""
        rng, tree = self.rng, self.tree
        src, dst = rng.choices(tree.chains, tree.weights, k=2)
        start = self.now - timedelta(seconds=rng.random() * self.span)
        mid = self._member(batch, src[0], start)
        iid, cid = self._next("instance"), self._next("transfer_case")
        steps = _levels(src, dst)
        status, ended = self._steps(batch, (iid, cid), steps, start)
        final = status == "completed"
        batch.instances.append((iid, self.deployment, "intra_province",
                                "completed" if final else "running", "{}", 1, 1, start,
                                "bench", ended or start, ended))
        number = f"ZJ{(start + timedelta(hours=8)).year}B{cid:07d}"
        batch.cases.append((cid, number, "intra", status, iid, mid, src[0], dst[0], src[1],
                            f'{{"initiator": {src[1]}}}', "{}", start, "bench",
                            ended or start, ended, status if final else None))
        for org in dict.fromkeys([src[0], dst[0], *(o for _s, o, _r in steps)]):
            batch.links.append((cid, org, "generated"))


COPIES = {
    "member": ("members", "id, code, name, gender, ethnicity, birth_date, id_number, category, "
               "branch_id, joined_on, dues_paid_until, status, created_at, updated_at"),
    "instance": ("instances", "id, deployment_id, process_id, status, state, state_schema, "
                 "version, started_at, started_by, updated_at, ended_at"),
    "transfer_case": ("cases", "id, number, kind, status, instance_id, member_id, from_org_id, "
                      "to_org_id, initiator_org_id, route, letter, created_at, created_by, "
                      "updated_at, ended_at, outcome"),
    "case_org": ("links", "case_id, org_id, role"),
    "human_task": ("tasks", ", ".join(TASK_COLUMNS)),
}


def _copy(conn: psycopg.Connection[Any], batch: Batch) -> None:
    with conn.cursor() as cur:
        for table, (attr, columns) in COPIES.items():
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in getattr(batch, attr):
                    copy.write_row(row)


def _first_ids(conn: psycopg.Connection[Any]) -> dict[str, int]:
    return {t: conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("member", "instance", "transfer_case", "human_task")}


def generate(conn: psycopg.Connection[Any], tasks: int, now: datetime) -> dict[str, Any]:
    """Write cases until *tasks* human tasks exist; the sizes written."""
    rng = random.Random(SEED)
    tree = read_tree(conn, rng)
    dep = conn.execute("SELECT max(id) FROM deployment WHERE process_id = 'intra_province'"
                       ).fetchone()[0]  # type: ignore[index]
    gen = Generator(tree, dep, now, _first_ids(conn), rng)
    start_task = gen.ids["human_task"]
    cases = 0
    while gen.ids["human_task"] - start_task < tasks:
        batch = Batch()
        while len(batch.tasks) < 50_000 and gen.ids["human_task"] - start_task < tasks:
            gen.case(batch)
            cases += 1
        _copy(conn, batch)
    for table in ("member", "instance", "transfer_case", "human_task"):
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                     f"(SELECT max(id) FROM {table}))")
    return {"cases": cases, "tasks": gen.ids["human_task"] - start_task,
            "open_tasks": gen.open_tasks, "backlog_org_id": tree.backlog}

