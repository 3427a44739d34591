"""`zhuanjie doctor`: clean on real cases at various steps; each kind of damage is named."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, delete, insert, select, text, update

from app.cli import cli
from app.db import dispose_engines, session_scope
from app.models import AuditEvent, HumanTask, Instance, TransferCase
from app.models.engine import Timer
from app.services import cases, doctor
from tests.procedures.conftest import World, at

INITIATE = {"decision": "initiate"}
APPROVE = {"decision": "approve"}
PASS = {"result": "pass", "items_present": ["application", "political_review", "full_member"]}


def _cases(world: World) -> dict[str, TransferCase]:
    """Cases at various steps: just started, in approval, finished, withdrawn, reminded."""
    started = world.start("2026-03-02T09:00", "sec-CS-YL-P1-V-B1", kind="intra", member="M-V",
                          target_branch="CS-YL-P2-B1")
    approving = world.start("2026-03-02T09:00", "sec-CS-YL-JY-P1-B1", kind="intra",
                            member="M-JY", target_branch="CS-YH-P1-B1")
    world.do(approving, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    world.do(approving, "approve", "op-CS-YL-JY", "2026-03-02T11:00", APPROVE, org="CS-YL-JY")
    done = world.start("2026-03-02T09:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                       target_branch="CS-YL-P2-B1")
    world.do(done, "initiate", "op-CS-YL-P1", "2026-03-02T10:00", INITIATE)
    while world.open_specs(done) and "receive" not in world.open_specs(done):
        for t in world.show(done)["open_tasks"]:
            data = PASS if t["task"] == "archive_review" else APPROVE
            world.do(done, t["task"], f"op-{t['org']}", "2026-03-03T10:00", data, org=t["org"])
    world.do(done, "receive", "op-CS-YL-P2", "2026-03-04T10:00",
             {"target_branch": "CS-YL-P2-B1", "record_checked": True})
    world.do(done, "report", "sec-CS-YL-P2-B1", "2026-03-05T10:00",
             {"reported_on": "2026-03-05"})
    withdrawn = world.start("2026-03-02T09:00", "sec-CS-YH-P1-B1", kind="intra", member="M-YH",
                            target_branch="CS-YL-P2-B1")
    with session_scope(world.engine, write=True) as s:
        cases.withdraw(s, world.settings, at("2026-03-02T11:00"), withdrawn.id,
                       "op-CS-YH-P1", "党员撤回申请")
    world.fire("2026-03-10T00:00:00+08:00")  # the reminders of the open cases fire
    return {"started": started, "approving": approving, "done": done, "withdrawn": withdrawn}


def _diagnose(engine: Engine) -> doctor.Report:
    return doctor.diagnose(engine, batch_size=2)  # several batches even for a few instances


def _kinds(report: doctor.Report) -> set[tuple[int | None, str]]:
    return {(p.instance_id, p.kind) for p in report.problems}


def test_a_database_of_real_cases_is_clean(world: World) -> None:
    made = _cases(world)
    assert world.show(made["done"])["status"] == "completed"
    report = _diagnose(world.engine)
    assert report.problems == []
    assert report.instances == 4 and report.chains >= 4


def _open_task(s, case: TransferCase) -> HumanTask:
    return s.scalars(select(HumanTask).where(HumanTask.instance_id == case.instance_id,
                                             HumanTask.status == "open")
                     .order_by(HumanTask.id)).first()


def _waiting_timer(s, case: TransferCase) -> Timer:
    return s.scalars(select(Timer).where(Timer.instance_id == case.instance_id,
                                         Timer.status == "waiting").order_by(Timer.id)).first()


def _delete_open_task(s, made) -> tuple[int, str]:
    task = _open_task(s, made["approving"])
    s.execute(delete(HumanTask).where(HumanTask.id == task.id))
    return made["approving"].instance_id, "ready_task_without_row"


def _stray_task(s, made) -> tuple[int, str]:
    task = _open_task(s, made["started"])
    s.execute(insert(HumanTask).values(
        instance_id=task.instance_id, task_guid="00000000-0000-4000-8000-000000000001",
        task_spec="approve", title="伪造", role="operator", status="open",
        created_at=task.created_at, due_provisional=False, overdue=False))
    return task.instance_id, "task_without_ready_task"


def _delete_timer(s, made) -> tuple[int, str]:
    timer = _waiting_timer(s, made["approving"])
    s.execute(delete(Timer).where(Timer.id == timer.id))
    return made["approving"].instance_id, "timer_event_without_row"


def _stray_timer(s, made) -> tuple[int, str]:
    iid = made["started"].instance_id  # its reminder has fired: nothing waits
    s.execute(insert(Timer).values(
        instance_id=iid, task_guid="00000000-0000-4000-8000-000000000002",
        task_spec="initiate_due", due_at=at("2026-03-20").now(), due_provisional=False,
        status="waiting"))
    return iid, "timer_row_without_event"


def _move_timer(s, made) -> tuple[int, str]:
    timer = _waiting_timer(s, made["approving"])
    s.execute(update(Timer).where(Timer.id == timer.id).values(due_at=at("2026-01-01").now()))
    return made["approving"].instance_id, "timer_due_mismatch"


def _timer_on_finished(s, made) -> tuple[int, str]:
    s.execute(update(Timer).where(Timer.instance_id == made["done"].instance_id)
              .values(status="waiting"))
    return made["done"].instance_id, "timer_on_finished_instance"


def _task_on_finished(s, made) -> tuple[int, str]:
    s.execute(update(HumanTask).where(HumanTask.instance_id == made["withdrawn"].instance_id)
              .values(status="open"))
    return made["withdrawn"].instance_id, "task_on_finished_instance"


def _close_running_case(s, made) -> tuple[int, str]:
    s.execute(update(TransferCase).where(TransferCase.id == made["approving"].id)
              .values(status="completed"))
    return made["approving"].instance_id, "case_closed_instance_running"


def _reopen_finished_case(s, made) -> tuple[int, str]:
    s.execute(update(TransferCase).where(TransferCase.id == made["done"].id)
              .values(status="awaiting_report"))
    return made["done"].instance_id, "case_open_instance_finished"


def _suspend_instance_only(s, made) -> tuple[int, str]:
    s.execute(update(Instance).where(Instance.id == made["started"].instance_id)
              .values(status="suspended"))
    return made["started"].instance_id, "case_status_mismatch"


def _tamper_audit(s, made) -> tuple[int, str]:
    iid = made["approving"].instance_id
    event = s.scalars(select(AuditEvent).where(AuditEvent.instance_id == iid)
                      .order_by(AuditEvent.seq)).first()
    s.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(actor="mallory"))
    return iid, "audit_chain_broken"


def _garble_state(s, made) -> tuple[int, str]:
    iid = made["started"].instance_id
    s.execute(update(Instance).where(Instance.id == iid).values(state='{"tasks": 1}'))
    return iid, "state_unreadable"


def _unlink_task_case(s, made) -> tuple[int, str]:
    iid = made["done"].instance_id  # finished: its completed tasks still count on the dashboard
    first = s.scalars(select(HumanTask.id).where(HumanTask.instance_id == iid)
                      .order_by(HumanTask.id)).first()
    s.execute(update(HumanTask).where(HumanTask.id == first).values(case_id=None))
    return iid, "task_case_mismatch"


DAMAGE: list[Callable] = [_delete_open_task, _stray_task, _delete_timer, _stray_timer,
                          _move_timer, _timer_on_finished, _task_on_finished,
                          _close_running_case, _reopen_finished_case, _suspend_instance_only,
                          _tamper_audit, _garble_state, _unlink_task_case]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__.lstrip("_"))
def test_each_damage_is_reported_with_its_kind(world: World, damage: Callable) -> None:
    made = _cases(world)
    with session_scope(world.engine, write=True) as s:
        iid, kind = damage(s, made)
    report = _diagnose(world.engine)
    assert (iid, kind) in _kinds(report), report.to_json()
    number = {c.instance_id: c.number for c in made.values()}[iid]
    assert all(p.case_number == number for p in report.problems if p.instance_id == iid)


def test_the_command_exits_1_with_the_problems_and_0_when_clean(
        world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    made = _cases(world)
    monkeypatch.setenv("ZHUANJIE_DATABASE_URL", db_url)
    dispose_engines()
    clean = CliRunner().invoke(cli, ["doctor"])
    assert clean.exit_code == 0, clean.output
    assert "4 instance(s)" in clean.output and "clean" in clean.output
    with session_scope(world.engine, write=True) as s:
        _delete_timer(s, made)
        _tamper_audit(s, made)
        before = s.scalar(text("SELECT count(*) FROM timer"))
    result = CliRunner().invoke(cli, ["doctor", "--json"])
    assert result.exit_code == 1, result.output
    found = json.loads(result.stdout)
    assert found["clean"] is False
    assert {p["kind"] for p in found["problems"]} == {"timer_event_without_row",
                                                     "audit_chain_broken"}
    assert all(p["case_number"] == made["approving"].number for p in found["problems"])
    text_out = CliRunner().invoke(cli, ["doctor"])
    assert text_out.exit_code == 1 and "timer_event_without_row" in text_out.output
    with session_scope(world.engine) as s:  # the doctor repaired nothing
        assert s.scalar(text("SELECT count(*) FROM timer")) == before
    assert CliRunner().invoke(cli, ["doctor", "--batch-size", "0"]).exit_code == 2
    assert CliRunner().invoke(cli, ["doctor", "--bogus"]).exit_code == 2
