"""Transfer cases (转接案件) and what belongs to them: locks, letters, archive items, moves.

A case is the business record of one transfer; its workflow instance is the engine's. The
columns here are what lists, filters and dashboards read, so that no workflow has to be
deserialized to show them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UtcDateTime

CASE_KINDS = {
    "intra": "省内转接",
    "out": "转出省外",
    "in": "省外转入",
    "whole-unit": "整建制转接",
    "out-of-system": "转往系统外",
}
PROCESS_OF_KIND = {
    "intra": "intra_province",
    "out": "cross_province_out",
    "in": "cross_province_in",
    "whole-unit": "whole_unit",
    "out-of-system": "out_of_system",
}
CASE_STATUSES = {
    "applying": "申请中",
    "approving": "审批中",
    "sent_back": "已退回",
    "archive_verifying": "档案核实中",
    "awaiting_receipt": "待接收",
    "awaiting_report": "待报到",
    "issuing_letter": "开具介绍信",
    "awaiting_letter_receipt": "待回执",
    "completed": "已完成",
    "withdrawn": "已撤销",
    "refused": "不予转接",
    "terminated": "已终止",
    "out_province": "已转出省外",
    "out_of_system": "已转往系统外",
    "cancelled": "已取消",
    "suspended": "已暂停",
}
# the status a case shows when several steps are open at once: the first that applies
STAGE_PRIORITY = ("sent_back", "archive_verifying", "approving", "applying", "issuing_letter",
                  "awaiting_receipt", "awaiting_letter_receipt", "awaiting_report")
SEND_BACK_REASONS = {
    "info_incomplete": "信息填写不完整",
    "info_incorrect": "信息有误",
    "archive_missing": "档案材料不全",
    "route_incorrect": "转接去向有误",
    "not_contacted": "未与转入地党组织联系衔接",
    "other": "其他",
}
REFUSE_REASONS = {
    "not_member": "非本组织党员",
    "no_reason": "无正当转接理由",
    "under_review": "正在接受审查或处分未执行完毕",
    "duplicate": "重复申请",
    "other": "其他",
}
ARCHIVE_ITEMS = {
    "application": "入党志愿书",
    "applicant_form": "入党申请书",
    "activist_records": "入党积极分子培养考察材料",
    "political_review": "政审材料",
    "full_member": "转正申请及转正材料",
    "other_records": "其他材料",
}
FINAL_STATUSES = ("completed", "withdrawn", "refused", "terminated", "out_province",
                  "out_of_system", "cancelled")


class TransferCase(Base):
    """One transfer of one member (or, whole-unit, of one organisation with its subtree)."""

    __tablename__ = "transfer_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"), unique=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    unit_org_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"))
    from_org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    to_org_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"), index=True)
    initiator_org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    receiver_org_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"), index=True)
    route: Mapped[dict[str, object]] = mapped_column(JSON)
    letter: Mapped[dict[str, object]] = mapped_column(JSON)
    destination: Mapped[dict[str, object] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    landed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(30))
    outcome_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_transfer_case_status", "status", "created_at"),
        Index("ix_transfer_case_kind", "kind", "status"),
        Index("ix_transfer_case_created", "created_at"),
        Index("ix_transfer_case_ended", "ended_at"),
        Index("ix_transfer_case_updated", "updated_at"),
    )


class CaseOrg(Base):
    """An organisation that takes part in a case (for "cases that touch my subtree" queries)."""

    __tablename__ = "case_org"

    case_id: Mapped[int] = mapped_column(ForeignKey("transfer_case.id"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))

    __table_args__ = (Index("ix_case_org_org_case", "org_id", "case_id"),)


class OrgLock(Base):
    """An organisation whose subtree is locked by a whole-unit transfer (Art. 6)."""

    __tablename__ = "org_lock"

    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("transfer_case.id"), index=True)
    locked_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Letter(Base):
    """A letter of a case: the paper 介绍信 (out), or a receipt (in, electronic receipt)."""

    __tablename__ = "letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("transfer_case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    issuer_org_id: Mapped[int] = mapped_column(ForeignKey("org.id"))
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, object]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_until: Mapped[date | None] = mapped_column(Date)
    receipt_due: Mapped[date | None] = mapped_column(Date)
    handed_over_how: Mapped[str | None] = mapped_column(String(20))
    tracking_number: Mapped[str | None] = mapped_column(String(60))
    handed_over_on: Mapped[date | None] = mapped_column(Date)
    receipt_received_on: Mapped[date | None] = mapped_column(Date)
    receipt_org_name: Mapped[str | None] = mapped_column(String(200))


class ArchiveItem(Base):
    """One document of a member's archive as found by the archive review of a case."""

    __tablename__ = "archive_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("transfer_case.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(40))
    present: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    checked_by: Mapped[str] = mapped_column(String(64))
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MemberMove(Base):
    """A change of a member's branch or status made by a case (the record is never deleted)."""

    __tablename__ = "member_move"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_case.id"))
    kind: Mapped[str] = mapped_column(String(30))
    old_branch_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"))
    new_branch_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"))
    old_status: Mapped[str | None] = mapped_column(String(20))
    new_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class OrgMove(Base):
    """A whole-unit move: the old and new parent of an organisation (Art. 6)."""

    __tablename__ = "org_move"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_case.id"))
    old_parent_id: Mapped[int] = mapped_column(ForeignKey("org.id"))
    new_parent_id: Mapped[int] = mapped_column(ForeignKey("org.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class Notification(Base):
    """The outbox: a reminder to an organisation (and role), delivered by a pluggable sender."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_case.id"), index=True)
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_notification_status", "status", "created_at"),
                      Index("ix_notification_unread", "org_id", "read_at"))
