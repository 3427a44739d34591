"""JSON Schemas of the API's bodies and answers (OpenAPI 3.1 components).

They describe what the views return: the test suite validates real answers against them
(schemathesis), so a change of an answer's shape must change its schema too.
"""

from __future__ import annotations

from typing import Any

from app.models.case import CASE_KINDS, CASE_STATUSES

STR = {"type": "string"}
NSTR = {"type": ["string", "null"]}
INT = {"type": "integer"}
NINT = {"type": ["integer", "null"]}
BOOL = {"type": "boolean"}
DT = {"type": "string", "format": "date-time"}
NDT = {"type": ["string", "null"], "format": "date-time"}
OBJ = {"type": "object"}
NOBJ = {"type": ["object", "null"]}


def _obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    """An object with *required* properties (more are allowed: answers may grow)."""
    return {"type": "object", "required": sorted(required),
            "properties": {**required, **(optional or {})}}


def _page(item: str) -> dict[str, Any]:
    return _obj({"items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
                 "page": INT, "per_page": INT, "total": INT})


CASE_SUMMARY = _obj({
    "id": INT, "number": STR, "kind": {"enum": list(CASE_KINDS)}, "kind_label": STR,
    "status": STR, "status_label": STR, "member_name": NSTR, "from": NSTR, "to": NSTR,
    "initiator": NSTR, "created_at": DT, "updated_at": DT, "ended_at": NDT, "overdue": BOOL})

STEP = _obj({"task_id": INT, "task": STR, "title": STR, "org": STR, "org_name": STR,
             "status": STR, "stage": NSTR, "created_at": DT, "due_at": NDT, "overdue": BOOL,
             "provisional": BOOL, "completed_at": NDT, "completed_by": NSTR,
             "decision": NSTR, "reason_code": NSTR, "comment": NSTR})

CASE = _obj({
    "id": INT, "number": STR, "kind": {"enum": list(CASE_KINDS)}, "kind_label": STR,
    "status": {"enum": list(CASE_STATUSES)}, "status_label": STR,
    "member": NOBJ, "from": NSTR, "to": NSTR, "initiator": NSTR, "receiver": NSTR,
    "route": OBJ, "destination": NOBJ, "letter": OBJ, "instance_id": NINT,
    "created_at": DT, "created_by": STR, "landed_at": NDT, "reported_at": NDT,
    "ended_at": NDT, "outcome_note": NSTR,
    "steps": {"type": "array", "items": {"$ref": "#/components/schemas/Step"}},
    "open_tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Step"}},
    "overdue": BOOL, "letters": {"type": "array", "items": OBJ}, "full_id": BOOL})

TASK = _obj({
    "id": INT, "task": STR, "title": STR, "org": NSTR, "role": STR, "form": NSTR,
    "status": STR, "stage": NSTR, "created_at": DT, "due_at": NDT, "due_provisional": BOOL,
    "overdue": BOOL, "claimed_by": NSTR, "decision": NSTR, "completed_at": NDT,
    "completed_by": NSTR, "case": NOBJ})

TASK_DETAIL = {"allOf": [{"$ref": "#/components/schemas/Task"},
                         _obj({"form_schema": NOBJ, "actionable": BOOL})]}

ORG_ROW = _obj({"code": STR, "name": STR, "kind": STR, "kind_name": STR, "parent": NSTR,
                "nationwide": BOOL, "approves_members": BOOL})

ORG = _obj({"code": STR, "name": STR, "kind": STR, "kind_name": STR, "nationwide": BOOL,
            "approves_members": BOOL, "parent": NOBJ,
            "path": {"type": "array", "items": STR}, "children": INT, "members": INT,
            "members_in_subtree": INT, "facts": OBJ})

ROUTE = _obj({"kind": STR, "approvers": {"type": "array", "items": STR}})

NOTIFICATION = _obj({"id": INT, "kind": STR, "subject": STR, "body": STR, "case": NSTR,
                     "task_id": NINT, "role": NSTR, "created_at": DT, "read_at": NDT})

ERROR = _obj({"error": _obj({"code": STR, "message": STR,
                             "fields": {"type": "object",
                                        "additionalProperties": STR}})})

START_CASE = {
    "type": "object", "required": ["kind"],
    "properties": {
        "kind": {"enum": list(CASE_KINDS), "description": "转接类型"},
        "member": {"type": "string", "maxLength": 64,
                   "description": "党员编号（intra、out、out-of-system）"},
        "target_branch": {"type": "string", "maxLength": 64,
                          "description": "转入党支部（intra、in）"},
        "letter": {"type": "object", "description":
                   "电子介绍信：reason、contact_phone、validity_days（1–90）、archive_handling"},
        "destination": {"type": "object",
                        "description": "转出省外的去向：province、org_name、address"},
        "registration": {"type": "object", "description":
                         "省外转入的纸质介绍信：serial、issuing_org、province、issued_on、"
                         "validity_days、member{name, gender, ethnicity, id_number, …}"},
        "unit": {"type": "string", "maxLength": 64, "description": "整建制转接的组织"},
        "new_parent": {"type": "string", "maxLength": 64, "description": "整建制转接的新上级"},
    },
}

COMPONENTS: dict[str, Any] = {
    "Error": ERROR,
    "Me": _obj({"username": STR, "display_name": STR, "org": OBJ,
                "roles": {"type": "array", "items": STR},
                "permissions": {"type": "array", "items": STR}}),
    "CaseSummary": CASE_SUMMARY,
    "CasePage": _page("CaseSummary"),
    "Step": STEP,
    "Case": CASE,
    "Task": TASK,
    "TaskDetail": TASK_DETAIL,
    "TaskPage": _page("Task"),
    "OrgRow": ORG_ROW,
    "OrgPage": _page("OrgRow"),
    "Org": ORG,
    "Route": ROUTE,
    "Deadline": _obj({"date": {"type": "string", "format": "date"}, "due": DT,
                      "provisional": BOOL}),
    "WorkdayInfo": _obj({"date": {"type": "string", "format": "date"}, "workday": BOOL,
                         "provisional": BOOL, "name": NSTR}),
    "Notification": NOTIFICATION,
    "NotificationPage": _page("Notification"),
    "OpenApi": OBJ,
    "StartCase": START_CASE,
    "Withdraw": {"type": "object", "required": ["reason"],
                 "properties": {"reason": {"type": "string", "minLength": 1,
                                           "maxLength": 2000, "description": "撤销理由"}}},
    "CompleteTask": {"type": "object", "required": ["data"],
                     "properties": {"data": {"type": "object",
                                             "description": "表单数据（见 form_schema）"}}},
    "SendBack": {"type": "object", "required": ["reason_code"],
                 "properties": {"reason_code": {"type": "string", "maxLength": 40},
                                "comment": {"type": "string", "maxLength": 500}}},
}
