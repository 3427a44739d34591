"""Every table of zhuanjie; importing this package registers them on Base.metadata."""

from app.models.audit import AuditEvent, AuditHead
from app.models.calendar import (
    CalendarChange,
    CalendarChangeDay,
    CalendarDay,
    CalendarNotice,
    CalendarNoticeDay,
)
from app.models.case import (
    ArchiveItem,
    CaseOrg,
    Letter,
    MemberMove,
    Notification,
    OrgLock,
    OrgMove,
    TransferCase,
)
from app.models.diagram import DiagramDraft
from app.models.engine import Deployment, HumanTask, Incident, Instance, Timer
from app.models.letter import LetterSerial
from app.models.member import Member
from app.models.member_import import MemberImportRow
from app.models.ops import SchedulerHeartbeat
from app.models.org import Org
from app.models.security import ApiToken, AuthAttempt
from app.models.user import User, UserRole

__all__ = [
    "ApiToken",
    "ArchiveItem",
    "AuditEvent",
    "AuditHead",
    "AuthAttempt",
    "CalendarChange",
    "CalendarChangeDay",
    "CalendarDay",
    "CalendarNotice",
    "CalendarNoticeDay",
    "CaseOrg",
    "Deployment",
    "DiagramDraft",
    "HumanTask",
    "Incident",
    "Instance",
    "Letter",
    "LetterSerial",
    "Member",
    "MemberImportRow",
    "MemberMove",
    "Notification",
    "Org",
    "OrgLock",
    "OrgMove",
    "SchedulerHeartbeat",
    "Timer",
    "TransferCase",
    "User",
    "UserRole",
]
