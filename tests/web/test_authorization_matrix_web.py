"""The authorization matrix of the web pages: every page × every role (and anonymous) ×
own organisation / subtree / other organisation (tests/web/authz_scene.py says which
object stands for which relation).

One line per endpoint: who gets which status, and the request. ``rel(...)`` lists the cells
of a page that acts on an object, in the order branch secretary (own, other), operator
(own, subtree, other), manager (own, subtree, other), policy staff, administrator. Allowed
requests that would change data carry data the page refuses after the policy check: 422, or
302 back to the page with the refusal flashed (the managers' actions; the editor's upload);
a 403 is always the policy's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.web.authz_scene import (
    ANY,
    ISSUER,
    RELATIONS,
    ROLES,
    USERS,
    Scene,
    by_role,
    each,
)
from tests.web.conftest import sign_in

Cells = dict[str, int | tuple[int, ...]]
Row = dict[str, Cells]
COLUMNS = (*ROLES, "anonymous")


@dataclass(frozen=True)
class Req:
    """One request of the matrix; ``{case}``, ``{task}``, ``{org}`` … in the path and the
    form are filled from :meth:`Scene.values`."""

    method: str
    path: str
    form: dict[str, str] = field(default_factory=dict)
    json: Any = None


def get(path: str) -> Req:
    return Req("GET", path)


def post(path: str, **form: str) -> Req:
    return Req("POST", path, form)


def post_json(path: str, body: Any) -> Req:
    return Req("POST", path, json=body)


def page(row: dict[str, dict[str, Any]], anonymous: int | tuple[int, ...] = 302) -> Row:
    """*row* and the anonymous visitor (sent to the sign-in page unless said otherwise)."""
    return {**row, "anonymous": {ANY: anonymous}}


def rel(secretary: tuple[int, int], operator: tuple[int, int, int],
        manager: tuple[int, int, int], policy_staff: int, admin: int) -> Row:
    """The cells of a page acting on an object (see the module docstring), signed in only."""
    return page({"branch_secretary": dict(zip(("own", "other"), secretary, strict=True)),
                 "operator": dict(zip(("own", "subtree", "other"), operator, strict=True)),
                 "manager": dict(zip(("own", "subtree", "other"), manager, strict=True)),
                 "policy_staff": {"subtree": policy_staff}, "admin": {"subtree": admin}})


def staff(status: int) -> Row:
    """Policy staff's rooms (diagrams, calendar): *status* for them, 403 for the others."""
    return page(by_role(branch_secretary=403, operator=403, manager=403,
                        policy_staff=status, admin=403))


NONE = (403, 403, 403)
ENTER = (200, 302)  # a room, or the redirect to the user's first room
TASK_PAGE = rel((200, 403), (200, 403, 403), NONE, 403, 403)  # the task's organisation + role
ACT_TASK = rel((422, 403), (422, 403, 403), NONE, 403, 403)
INITIATOR = rel((403, 403), (422, 403, 403), NONE, 403, 403)  # the initiator's operators
VIEW_CASE = rel((200, 403), (200, 200, 403), (200, 200, 403), 200, 403)
# 302: past the policy, back to the case with the refusal flashed (no reason, not confirmed,
# no incident to retry)
MANAGE = rel((403, 403), NONE, (302, 302, 403), 403, 403)
DASHBOARD = rel((403, 403), NONE, (200, 200, 403), 200, 403)
ORG_EDIT = rel((403, 403), NONE, NONE, 422, 403)
# only the operators of the issuing organisation print (the full 公民身份号码 is on paper)
PRINT = {**rel((403, 403), NONE, NONE, 403, 403), "issuer": {"own": 200, "other": 403}}
WORKERS = page(by_role(branch_secretary=200, operator=200, manager=200, policy_staff=403,
                       admin=403))
CASE_READERS = page(by_role(branch_secretary=200, operator=200, manager=200,
                            policy_staff=200, admin=403))
APPLICATION = {"kind": "out-of-system", "member": "{member}", "reason": "工作调动",
               "contact_phone": "0731-88888888", "validity_days": "30",
               "archive_handling": "with_letter"}

WEB: dict[str, tuple[Row, Req]] = {
    # everyone's pages
    "home.index": (page(each(ENTER)), get("/")),
    "auth.login": (page(each(200), 200), get("/login")),
    "auth.logout": (page(each(302)), post("/logout")),
    "account.token_list": (page(each(200)), get("/account/tokens")),
    "account.token_create": (page(each(422)), post("/account/tokens")),
    "account.token_revoke": (page(each(403)), post("/account/tokens/{other_token}/revoke")),
    "member_progress.lookup": (page(each(200), 200), get("/progress")),
    "vendor.asset": (page(each(404), 404), get("/vendor/none/x.js")),
    "static": (page(each(200), 200), get("/static/app.css")),
    "notices.index": (page(each(200)), get("/notifications")),
    "notices.read": (rel((302, 403), (302, 403, 403), (302, 403, 403), 403, 403),
                     post("/notifications/read", id="{note}")),
    "start.orgs_json": (page(each(200)), get("/start/orgs.json?q=岳麓")),
    "guide.page": (page(each(200), 200), get("/guide/")),
    "guide.image": (page(each(200), 200), get("/guide/images/04-inbox.png")),
    # operations: no sign-in; /metrics from this machine (the test client is 127.0.0.1);
    # /healthz is 503 here (the scene has no scheduler), never a redirect or a refusal
    "ops.ping": (page(each(200), 200), get("/ping")),
    "ops.healthz": (page(each((200, 503)), (200, 503)), get("/healthz")),
    "ops.metrics": (page(each(200), 200), get("/metrics")),
    # the operators' and branch secretaries' rooms
    "inbox.index": (WORKERS, get("/inbox")),
    "tasks.show": (TASK_PAGE, get("/tasks/{task}")),
    "tasks.submit": (ACT_TASK, post("/tasks/{task}")),
    "tasks.withdraw": (INITIATOR, post("/tasks/{task}/withdraw")),
    "prints.letter": (PRINT, get("/letters/{letter}/print")),
    "prints.letter_pdf": (PRINT, get("/letters/{letter}.pdf")),
    "prints.member_form": (PRINT, get("/letters/{letter}/member-form")),
    "prints.member_form_pdf": (PRINT, get("/letters/{letter}/member-form.pdf")),
    "start.index": (page(by_role(branch_secretary=302, operator=200, manager=403,
                                 policy_staff=403, admin=403)), get("/start")),
    "start.member": (rel((422, 403), NONE, NONE, 403, 403),  # 422: the member has a case
                     post("/start/member", **APPLICATION)),
    "start.incoming": (page(by_role(branch_secretary=403, operator=422, manager=403,
                                    policy_staff=403, admin=403)), post("/start/incoming")),
    "start.whole_unit": (rel((403, 403), (422, 403, 403), NONE, 403, 403),  # 422: a case inside
                         post("/start/whole-unit", unit="{unit}", new_parent="CS-YL-P2")),
    # the managers' rooms
    "cases.index": (CASE_READERS, get("/cases")),
    "cases.export": (CASE_READERS, get("/cases/export.csv")),
    "cases.export_full": (page(by_role(branch_secretary=403, operator=403, manager=302,
                                       policy_staff=403, admin=403)),
                          post("/cases/export-full.csv")),
    "cases.detail": (VIEW_CASE, get("/cases/{case}")),
    # the subtree's case (from CS-YL-P1-V-B1) was initiated by CS-YL-P1 too (Art. 8)
    "cases.withdraw": (rel((403, 403), (422, 422, 403), NONE, 403, 403),
                       post("/cases/{case}/withdraw")),
    "cases.case_action+suspend": (MANAGE, post("/cases/{case}/suspend")),
    "cases.case_action+resume": (MANAGE, post("/cases/{case}/resume")),
    "cases.case_action+cancel": (MANAGE, post("/cases/{case}/cancel")),  # 302: unconfirmed
    "cases.task_action+release": (MANAGE, post("/cases/{case}/tasks/{task}/release")),
    "cases.task_action+remind": (MANAGE, post("/cases/{case}/tasks/{task}/remind")),
    "cases.retry": (MANAGE, post("/cases/{case}/retry")),  # 302: no incident to retry
    "cases.reveal_id": (MANAGE, post("/cases/{case}/reveal-id")),
    "dashboard.index": (DASHBOARD, get("/dashboard?org={org}")),
    "dashboard.export": (DASHBOARD, get("/dashboard/export/open.csv?org={org}")),
    "dashboard.heat": (DASHBOARD, get("/dashboard/heatmap?org={org}")),
    # policy staff's rooms (and the administrator's look at the organisations)
    "editor.index": (staff(200), get("/editor/")),
    "editor.process": (staff(200), get("/editor/process/intra_province")),
    "editor.download": (staff(200), get("/editor/version/{dep}.bpmn")),
    "editor.download_draft": (staff(200), get("/editor/draft/{draft}.bpmn")),
    "editor.edit": (staff(200), get("/editor/edit?draft={draft}")),
    "editor.upload": (staff(302), post("/editor/upload")),  # 302: no file, flashed
    "editor.diff": (staff(200), get("/editor/diff?old={dep}&new={dep}")),
    "editor.migrate": (staff(409), get("/editor/migrate?from={dep}&to={dep}")),  # same version
    "editor.migrate_post": (staff(409), post("/editor/migrate?from={dep}&to={dep}")),  # idem
    "editor.source": (staff(200), get("/editor/api/source?version={dep}")),
    "editor.save": (staff(422), post_json("/editor/api/drafts", {})),
    "editor.check": (staff(422), post_json("/editor/api/check", {})),
    "editor.deploy": (staff(422), post_json("/editor/api/deploy", {})),
    "editor.form_preview": (staff(200), post_json("/editor/api/form-preview",
                                                  {"schema": {"type": "object"}})),
    "editor.migrate_api": (staff(422), post_json("/editor/api/migrate", {})),
    "calendar_admin.index": (staff(200), get("/calendar/")),
    "calendar_admin.mark_day": (staff(422), post("/calendar/day")),
    "calendar_admin.notice": (staff(422), post("/calendar/notice")),
    "org_admin.index": (page(by_role(branch_secretary=403, operator=403, manager=403,
                                     policy_staff=200, admin=200)), get("/orgs/?code=CS-YL")),
    "org_admin.update": (ORG_EDIT, post("/orgs/{org}/update")),
    "org_admin.add_child": (ORG_EDIT, post("/orgs/{org}/children")),
    "org_admin.set_active": (ORG_EDIT, post("/orgs/{org}/active")),
    "org_admin.upload": (page(by_role(branch_secretary=403, operator=403, manager=403,
                                      policy_staff=422, admin=403)), post("/orgs/upload")),
}
WEB_USERS = {**USERS, "issuer": ISSUER}


def check_web_row(name: str, row: Row) -> None:
    """Every column has its cells: one (ANY) or one per relation of the role."""
    assert set(COLUMNS) <= set(row) <= {*COLUMNS, "issuer"}, name
    for role in ROLES:
        wanted = set(RELATIONS[role]) if ANY not in row[role] else {ANY}
        assert set(row[role]) == wanted, (name, role)
    assert set(row["anonymous"]) == {ANY}, name


def _fill(text: str, values: dict[str, Any]) -> str:
    return text.format(**values) if "{" in text else text


def _request(client: Any, scene: Scene, req: Req, who: str, relation: str) -> int:
    values = scene.values("operator" if who == "anonymous" else who, relation)
    path = _fill(req.path, values)
    if req.json is not None:
        answer = client.open(path, method=req.method, json=req.json)
    else:
        answer = client.open(path, method=req.method,
                             data={k: _fill(v, values) for k, v in req.form.items()})
    answer.close()  # exports stream
    return int(answer.status_code)


def test_web_matrix(scene: Scene) -> None:
    failures = []
    # one signed-in client per column (signing in is slow on purpose: argon2); sign-out last
    order = sorted(WEB, key=lambda e: e == "auth.logout")
    for who in (*WEB_USERS, "anonymous"):
        client = scene.app.test_client()
        if who != "anonymous":
            assert sign_in(client, WEB_USERS[who]).status_code == 302
        for endpoint in order:
            row, req = WEB[endpoint]
            for relation, expected in row.get(who, {}).items():
                status = _request(client, scene, req, who, relation)
                allowed = expected if isinstance(expected, tuple) else (expected,)
                if status not in allowed:
                    failures.append(f"{endpoint} {who}/{relation}: {status} "
                                    f"(expected {expected})")
    assert not failures, "\n".join(failures)
