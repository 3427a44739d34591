"""The load of a fault run: clients that start cases and complete tasks over the JSON API,
and a thread that makes waiting timers due so that the schedulers have work.

A client chooses what to do from the database (which tasks are open, which members are
free), as an operator would from the inbox, but acts only through HTTP with the bearer token
of the task's organisation. Every answer is counted; a 2xx to a completion is an
acknowledgement that the run later checks against the database.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from app.db import session_scope
from app.engine.clock import local_date
from app.models import HumanTask, Instance, Org, TransferCase
from app.models.case import FINAL_STATUSES
from app.models.engine import Timer
from tests.faults.world import BRANCHES, LETTER, World, make_due

PASS = {"result": "pass", "items_present": ["application", "political_review", "full_member"]}


def task_data(spec: str, target_branch: str | None, rng: random.Random) -> dict[str, Any]:
    """Form data that completes a step of the intra-province procedure (some send-backs)."""
    today = local_date(datetime.now(UTC)).date().isoformat()
    if spec == "approve" and rng.random() < 0.1:
        return {"decision": "send_back", "reason_code": "info_incorrect", "comment": "请核对"}
    if spec == "archive_review" and rng.random() < 0.05:
        return {"result": "problem", "items_present": ["application"], "findings": "缺政审材料"}
    return {
        "initiate": {"decision": "initiate"}, "approve": {"decision": "approve"},
        "recheck": {"decision": "resubmit"}, "correct": {"comment": "已修改"},
        "correct_again": {"comment": "已修改"}, "archive_review": PASS, "archive_return": {},
        "verify": {"decision": "resolve"},
        "receive": {"target_branch": target_branch, "record_checked": True},
        "report": {"reported_on": today},
        "urge": {"action": "已督促并批评教育", "outcome": "reported", "reported_on": today},
    }.get(spec, {})


def actor_of(org_code: str, role: str) -> str:
    """The user the run made for an organisation and role."""
    return f"sec-{org_code}" if role == "branch_secretary" else f"op-{org_code}"


@dataclass
class Tally:
    """What the clients did and saw (shared by the threads, guarded by a lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    acked: dict[int, str] = field(default_factory=dict)      # task id → user
    started: dict[str, int] = field(default_factory=dict)    # case number → instance id
    server_errors: list[str] = field(default_factory=list)
    advanced: list[tuple[int, str]] = field(default_factory=list)  # (instance, timer guid)
    withdrawn: set[str] = field(default_factory=set)         # case numbers

    def count(self, status: str) -> None:
        """Count one answer (or failure to get one)."""
        with self.lock:
            self.requests += 1
            self.statuses[status] += 1


class Api:
    """One client connection to the server (re-opened after any failure)."""

    def __init__(self, port: int, timeout: float = 15) -> None:
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def post(self, path: str, token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST JSON; (status, body). Raises OSError/HTTPException when no answer came."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.conn.request("POST", "/api/v1" + path, body=json.dumps(body).encode(),
                              headers={"Authorization": f"Bearer {token}",
                                       "Content-Type": "application/json"})
            resp = self.conn.getresponse()
            raw = resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        try:
            return resp.status, json.loads(raw or b"{}")
        except ValueError:
            return resp.status, {"raw": raw[:200].decode("utf-8", "replace")}


class Client(threading.Thread):
    """Starts cases and completes open tasks until told to stop."""

    def __init__(self, world: World, port: int, tally: Tally, free: list[str],
                 stop: threading.Event, seed: int) -> None:
        super().__init__(daemon=True, name=f"client-{seed}")
        self.world, self.tally, self.free, self.stop = world, tally, free, stop
        self.api, self.rng = Api(port), random.Random(seed)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                if self.rng.random() < 0.25 and self._start():
                    continue
                if not self._complete():
                    self.stop.wait(0.05)
            except (OSError, http.client.HTTPException) as exc:
                self.tally.count(f"no answer ({type(exc).__name__})")

    def _answer(self, status: int, body: dict[str, Any], what: str) -> bool:
        self.tally.count(f"{what.split()[0]} {status}")
        if status >= 500:
            with self.tally.lock:
                self.tally.server_errors.append(f"{what}: {status} {json.dumps(body)[:300]}")
        return 200 <= status < 300

    def _start(self) -> bool:
        """Apply for a free member; one in ten is submitted twice at once (a double click)."""
        with self.tally.lock:
            if not self.free:
                return False
            member = self.free.pop(self.rng.randrange(len(self.free)))
        branch = self.world.members[member]
        body = {"kind": "intra", "member": member, "letter": dict(LETTER),
                "target_branch": self.rng.choice([b for b in BRANCHES if b != branch])}
        token = self.world.tokens[f"sec-{branch}"]
        twin = None
        if self.rng.random() < 0.1:
            twin = threading.Thread(target=self._submit, args=(Api(self.api.port), token, body))
            twin.start()
        self._submit(self.api, token, body)
        if twin is not None:
            twin.join()
        return True

    def _submit(self, api: Api, token: str, body: dict[str, Any]) -> None:
        for attempt in (1, 2):  # no answer (a killed worker): the user tries once more
            try:
                status, answer = api.post("/cases", token, body)
                break
            except (OSError, http.client.HTTPException) as exc:
                self.tally.count(f"no answer ({type(exc).__name__})")
                if attempt == 2:
                    return
        if self._answer(status, answer, f"start {body['member']}"):
            with self.tally.lock:
                self.tally.started[answer["number"]] = answer.get("instance_id") or 0

    def _pick(self) -> tuple[Any, ...] | None:
        """A random open task: id, step, organisation, role, target branch, case number,
        initiating organisation."""
        with session_scope(self.world.engine) as s:
            total = s.scalar(select(func.count()).select_from(HumanTask)
                             .where(HumanTask.status == "open")) or 0
            if not total:
                return None
            target = Org.__table__.alias("target")
            initiator = Org.__table__.alias("initiator")
            row = s.execute(
                select(HumanTask.id, HumanTask.task_spec, Org.code, HumanTask.role,
                       target.c.code, TransferCase.number, initiator.c.code)
                .join(Org, Org.id == HumanTask.assignee_org_id)
                .join(TransferCase, TransferCase.instance_id == HumanTask.instance_id)
                .outerjoin(target, target.c.id == TransferCase.to_org_id)
                .join(initiator, initiator.c.id == TransferCase.initiator_org_id)
                .where(HumanTask.status == "open").order_by(HumanTask.id)
                .offset(self.rng.randrange(total)).limit(1)).first()
        return tuple(row) if row else None

    def _complete(self) -> bool:
        """Complete a random open task; half the receipts (and a few other steps) race a
        withdrawal by the initiating committee."""
        picked = self._pick()
        if picked is None:
            return False
        task_id, spec, org, role, target, number, initiator = picked
        user = actor_of(org, role)
        rival = None
        if self.rng.random() < (0.5 if spec == "receive" else 0.03):
            rival = threading.Thread(target=self._withdraw, args=(number, initiator))
            rival.start()
        try:
            status, body = self.api.post(f"/tasks/{task_id}/complete", self.world.tokens[user],
                                         {"data": task_data(spec, target, self.rng)})
            if self._answer(status, body, f"complete {task_id} ({spec})"):
                with self.tally.lock:
                    self.tally.acked[task_id] = user
        finally:
            if rival is not None:
                rival.join()
        return True

    def _withdraw(self, number: str, initiator: str) -> None:
        try:
            status, body = Api(self.api.port).post(f"/cases/{number}/withdraw",
                                                   self.world.tokens[f"op-{initiator}"],
                                                   {"reason": "党员撤回申请"})
        except (OSError, http.client.HTTPException) as exc:
            self.tally.count(f"no answer ({type(exc).__name__})")
            return
        if self._answer(status, body, f"withdraw {number}"):
            with self.tally.lock:
                self.tally.withdrawn.add(number)


class Advancer(threading.Thread):
    """Every second, brings a few waiting timers' due instants into the past."""

    def __init__(self, world: World, tally: Tally, stop: threading.Event, seed: int,
                 per_round: int = 3) -> None:
        super().__init__(daemon=True, name="advancer")
        self.world, self.tally, self.stop = world, tally, stop
        self.rng, self.per_round = random.Random(seed), per_round
        self.errors: list[str] = []

    def run(self) -> None:
        while not self.stop.wait(1.0):
            try:
                self._round()
            except Exception as exc:
                self.errors.append(f"{type(exc).__name__}: {exc}")

    def _round(self) -> None:
        now = datetime.now(UTC)
        with session_scope(self.world.engine) as s:
            waiting = s.execute(select(Timer.instance_id, Timer.task_guid)
                                .join(Instance, Instance.id == Timer.instance_id)
                                .join(TransferCase, TransferCase.instance_id == Instance.id)
                                .where(Timer.status == "waiting", Timer.due_at > now,
                                       Instance.status == "running",
                                       TransferCase.status.not_in(FINAL_STATUSES))).all()
        for iid, guid in self.rng.sample(list(waiting), min(self.per_round, len(waiting))):
            if make_due(self.world, iid, guid, now - timedelta(seconds=1)):
                with self.tally.lock:
                    self.tally.advanced.append((iid, guid))
