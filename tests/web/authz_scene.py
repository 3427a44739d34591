"""The scene of the authorization matrix (tests/web/test_authorization_matrix*.py): one
world of open cases, tasks, paper letters, notifications and a draft, and which of its
objects stand for each role's relations.

Relations (the columns of the matrix): *own* — the object belongs to the user's own
organisation (its task, a case it takes part in, its notification); *subtree* — it belongs
below the user's organisation; *other* — it belongs elsewhere. A branch has no subtree;
policy staff and the administrator sit at the root, where everything is below.

Cases (all started on 2 March 2026):

- ``v``: M-V of CS-YL-P1-V-B1, intra; sent back by CS-YL-P1 to the branch (``correct_v``);
- ``yl``: M-YL of CS-YL-P1-B1, intra, at CS-YL-P1's initiation (``init_yl``);
- ``sw``: M-SW of HN-JG-SW-B1, intra, at HN-JG-SW's initiation (``init_sw``);
- ``jy``: M-JY of CS-YL-JY-P1-B1, intra, at CS-YL's approval (``approve2_jy``);
- ``v2``: M-V2 of CS-YL-P1-V-B1, out of the province; its paper letter issued by CS-YL;
- ``yh``: M-YH of CS-YH-P1-B1, out of the province; its paper letter issued by CS-YH.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from app import create_app
from app.db import session_scope
from app.models import Deployment, HumanTask, Letter, Member, Notification, Org, TransferCase, User
from app.org.idnumber import make_id_number
from app.services import diagrams, tokens
from tests.procedures.conftest import World
from tests.procedures.test_paper_letters import DEST
from tests.web.api.conftest import add_extra_users

USERS = {"branch_secretary": "sec-CS-YL-P1-V-B1", "operator": "op-CS-YL-P1",
         "manager": "mgr-CS-YL", "policy_staff": "policy-HN", "admin": "admin-HN"}
ROLES = tuple(USERS)
ANY = "-"  # the cell of an endpoint without an object

# the case and the task that stand for each relation of each role
RELATIONS: dict[str, dict[str, tuple[str, str]]] = {
    "branch_secretary": {"own": ("v", "correct_v"), "other": ("sw", "init_sw")},
    "operator": {"own": ("yl", "init_yl"), "subtree": ("v", "correct_v"),
                 "other": ("sw", "init_sw")},
    "manager": {"own": ("jy", "approve2_jy"), "subtree": ("yl", "init_yl"),
                "other": ("sw", "init_sw")},
    "policy_staff": {"subtree": ("sw", "init_sw")},
    "admin": {"subtree": ("sw", "init_sw")},
}
# the organisation (a dashboard's scope, an organisation to edit, a notification's addressee)
ORG_OF = {"branch_secretary": {"own": "CS-YL-P1-V-B1", "other": "HN-JG-SW"},
          "operator": {"own": "CS-YL-P1", "subtree": "CS-YL-P1-V-B1", "other": "HN-JG-SW"},
          "manager": {"own": "CS-YL", "subtree": "CS-YL-P1", "other": "HN-JG-SW"},
          "policy_staff": {"subtree": "CS-YL"}, "admin": {"subtree": "CS-YL"}}
# the unit of a whole-unit transfer: one directly under the user's organisation is its own
UNIT_OF = {**ORG_OF, "operator": {"own": "CS-YL-P1-V", "subtree": "CS-YL-P1-V-B1",
                                  "other": "HN-JG-SW-B1"}}
# the paper letter: the branch that applied, the initiator and the supervising manager see
# the case of ``v2`` but did not issue its letter; ``issuer`` is the operator who did
ISSUER = "op-CS-YL"
LETTER_OF = {"branch_secretary": {"own": "v2", "other": "yh"},
             "operator": {"own": "v2", "subtree": "v2", "other": "yh"},
             "manager": {"own": "v2", "subtree": "v2", "other": "yh"},
             "policy_staff": {"subtree": "yh"}, "admin": {"subtree": "yh"},
             "issuer": {"own": "v2", "other": "yh"}}
MEMBER_OF = {"v": "M-V", "yl": "M-YL", "sw": "M-SW", "jy": "M-JY"}


def each(status: int) -> dict[str, dict[str, int]]:
    """The same status for every role, on endpoints without an object."""
    return {role: {ANY: status} for role in ROLES}


def by_role(**statuses: int) -> dict[str, dict[str, int]]:
    """One status per role, on endpoints without an object."""
    return {role: {ANY: statuses[role]} for role in ROLES}


@dataclass
class Scene:
    """The world, its cases, tasks, letters and notifications by nickname, and the rest."""

    world: World
    app: Flask
    cases: dict[str, str]  # nickname → case number
    case_ids: dict[str, int]
    tasks: dict[str, int]
    notes: dict[str, int]  # organisation code → a notification addressed to it
    letters: dict[str, int]
    other_token: int
    deployment: int
    draft: int

    def values(self, who: str, relation: str) -> dict[str, Any]:
        """What a request's path names for *who* (a role, or ``issuer``) and *relation*."""
        role = who if who in RELATIONS else "operator"
        rel = relation if relation in RELATIONS[role] else next(iter(RELATIONS[role]))
        case_key, task_key = RELATIONS[role][rel]
        letters = LETTER_OF.get(who, LETTER_OF[role])
        letter = letters.get(relation, next(iter(letters.values())))
        return {"case": self.case_ids[case_key], "task": self.tasks[task_key],
                "number": self.cases[case_key], "member": MEMBER_OF[case_key],
                "org": ORG_OF[role][rel], "unit": UNIT_OF[role][rel],
                "note": self.notes[ORG_OF[role][rel]], "letter": self.letters[letter],
                "other_token": self.other_token, "dep": self.deployment, "draft": self.draft}


def _task(world: World, number: str, spec: str) -> int:
    with session_scope(world.engine) as s:
        return s.scalar(select(HumanTask.id).join(
            TransferCase, TransferCase.instance_id == HumanTask.instance_id).where(
            TransferCase.number == number, HumanTask.task_spec == spec,
            HumanTask.status == "open"))


def _notes(world: World) -> dict[str, int]:
    made = {}
    with session_scope(world.engine, write=True) as s:
        for code in ("CS-YL-P1-V-B1", "CS-YL-P1", "CS-YL", "HN-JG-SW", "HN"):
            org = s.scalar(select(Org).where(Org.code == code))
            row = Notification(created_at=datetime.now(UTC), org_id=org.id, kind="overdue",
                               subject="测试提醒", body="请及时办理", dedupe_key=f"m:{code}",
                               status="sent", attempts=1)
            s.add(row)
            s.flush()
            made[code] = row.id
    return made


def _intra_cases(world: World) -> dict[str, TransferCase]:
    when = "2026-03-02T09:00"
    v = world.start(when, "sec-CS-YL-P1-V-B1", kind="intra", member="M-V",
                    target_branch="CS-YL-P2-B1")
    world.do(v, "initiate", "op-CS-YL-P1", "2026-03-02T10:00",
             {"decision": "send_back", "reason_code": "info_incomplete"})
    yl = world.start(when, "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                     target_branch="CS-YL-P2-B1")
    sw = world.start(when, "sec-HN-JG-SW-B1", kind="intra", member="M-SW",
                     target_branch="CS-YH-P1-B1")
    jy = world.start(when, "sec-CS-YL-JY-P1-B1", kind="intra", member="M-JY",
                     target_branch="CS-YH-P1-B1")
    world.do(jy, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", {"decision": "initiate"})
    world.do(jy, "approve", "op-CS-YL-JY", "2026-03-02T11:00", {"decision": "approve"},
             org="CS-YL-JY")
    return {"v": v, "yl": yl, "sw": sw, "jy": jy}


def _letter_cases(world: World) -> dict[str, TransferCase]:
    """Two cases out of the province, initiated: each has its paper letter."""
    with session_scope(world.engine, write=True) as s:
        branch = s.scalar(select(Org).where(Org.code == "CS-YL-P1-V-B1"))
        born, now = date(1990, 5, 4), datetime(2026, 1, 5, tzinfo=UTC)
        s.add(Member(code="M-V2", name="党员V2", gender="女", ethnicity="汉族",
                     birth_date=born, id_number=make_id_number("430104", born, 9),
                     category="full", branch_id=branch.id, joined_on=date(2015, 7, 1),
                     dues_paid_until="2026-02", status="active", created_at=now,
                     updated_at=now))
    made = {}
    for key, member, secretary, initiator in (
            ("v2", "M-V2", "sec-CS-YL-P1-V-B1", "op-CS-YL-P1"),
            ("yh", "M-YH", "sec-CS-YH-P1-B1", "op-CS-YH-P1")):
        made[key] = world.start("2026-03-02T09:00", secretary, kind="out", member=member,
                                destination=dict(DEST))
        world.do(made[key], "initiate", initiator, "2026-03-02T10:00", {"decision": "initiate"})
    return made


def _letters(world: World, cases: dict[str, TransferCase]) -> dict[str, int]:
    with session_scope(world.engine) as s:
        return {key: s.scalar(select(Letter.id).where(Letter.case_id == cases[key].id,
                                                      Letter.kind == "transfer"))
                for key in ("v2", "yh")}


def _draft(world: World) -> tuple[int, int]:
    """The intra-province diagram's deployment, and a draft made from it by policy staff."""
    with session_scope(world.engine, write=True) as s:
        dep = s.scalar(select(Deployment).where(Deployment.process_id == "intra_province"))
        draft = diagrams.save_draft(s, world.settings, xml=dep.bpmn_xml, forms={},
                                    author="policy-HN", now=datetime.now(UTC),
                                    base_deployment_id=dep.id)
        return dep.id, draft.id


def build_scene(world: World) -> Scene:
    """The matrix's world: the cases, tasks, letters, notifications and draft above."""
    add_extra_users(world)
    cases = {**_intra_cases(world), **_letter_cases(world)}
    numbers = {key: case.number for key, case in cases.items()}
    task_ids = {"correct_v": _task(world, numbers["v"], "correct"),
                "init_yl": _task(world, numbers["yl"], "initiate"),
                "init_sw": _task(world, numbers["sw"], "initiate"),
                "approve2_jy": _task(world, numbers["jy"], "approve")}
    letters = _letters(world, cases)
    assert all(task_ids.values()) and all(letters.values()), (task_ids, letters)
    with session_scope(world.engine, write=True) as s:
        someone = s.scalar(select(User).where(User.username == "op-CS-YH"))
        other = tokens.create_token(s, someone, "别人的令牌", 30, datetime.now(UTC), 365)
    dep, draft = _draft(world)
    app = create_app({"database_url": world.settings.database_url, "TESTING": True,
                      "WTF_CSRF_ENABLED": False})
    return Scene(world, app, numbers, {k: c.id for k, c in cases.items()}, task_ids,
                 _notes(world), letters, other.token.id, dep, draft)
