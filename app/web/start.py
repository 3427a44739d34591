"""发起转接: a branch secretary applies for a member (省内 / 转出省外 / 转往系统外); operators
of nationwide organisations register incoming paper letters (省外转入); operators apply for
whole-unit transfers of the units under them (整建制转接).

Every form goes through a preview: the request is checked exactly as it will be started
(app.services.transfers.preview_transfer) and the computed route is shown before the user
confirms. Refusals appear beside their fields, or above the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from app import policy
from app.errors import Forbidden, InvalidData, ZhuanjieError
from app.services import applications
from app.services.progress import route_preview
from app.services.transfer_checks import check_letter, check_registration
from app.services.transfers import TransferRequest, preview_transfer, start_transfer
from app.web.refusals import say, say_fields
from app.web.start_forms import (
    MEMBER_KINDS,
    incoming_request,
    member_request,
    preview_facts,
    whole_unit_request,
)
from app.web.support import clock, db, me, settings, writing

bp = Blueprint("start", __name__, url_prefix="/start")

Parse = Callable[[MultiDict[str, str], dict[str, str]], TransferRequest]


@bp.get("")
@login_required  # type: ignore[misc]
def index() -> Any:
    """What the user may start: an application, a paper letter, a whole-unit transfer."""
    user = me()
    may_apply = policy.has(user, policy.Action.START_MEMBER_TRANSFER)
    if may_apply and not policy.has(user, policy.Action.START_WHOLE_UNIT):
        return redirect(url_for("start.member"))
    if not (may_apply or policy.has(user, policy.Action.START_WHOLE_UNIT)):
        policy.require(user, policy.Action.START_MEMBER_TRANSFER)
    return render_template("start/index.html", may_apply=may_apply,
                           may_register=applications.may_register_incoming(
                               db(), user, settings().policy),
                           may_move=policy.has(user, policy.Action.START_WHOLE_UNIT))


@bp.get("/orgs.json")
@login_required  # type: ignore[misc]
def orgs_json() -> Any:
    """Suggestions: branches (or possible parents, ``kind=parent``) by name or code."""
    kind = "parent" if request.args.get("kind") == "parent" else "branch"
    found = applications.search_orgs(db(), request.args.get("q", ""), kind)
    return jsonify({"results": [{"code": o.code, "name": o.name, "parent": o.parent_name}
                                for o in found]})


def _errors_of(exc: ZhuanjieError, renames: dict[str, str]) -> tuple[dict[str, str], str]:
    if isinstance(exc, InvalidData):
        fields = say_fields(exc.fields)
        return {renames.get(k, k): v for k, v in fields.items()}, "请更正标出的字段。"
    said = say(exc)
    if said.field:
        return {renames.get(said.field, said.field): said.message}, said.message
    return {}, said.message


def _flow(kind_page: str, template: str, parse: Parse, renames: dict[str, str],
          context: dict[str, Any]) -> Any:
    """Form → preview (checked, with the route) → start; the same for every kind of request."""
    user = me()
    form = request.form
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    if request.method == "GET" or "back" in form:
        return render_template(template, values=values, errors={}, message=None, **context)
    errors: dict[str, str] = {}
    try:
        req = parse(form, errors)
        if errors:
            raise InvalidData("请更正标出的字段。", errors)
        if "confirmed" not in form:
            route = preview_transfer(db(), settings(), clock(), req, user.username)
            return render_template("start/preview.html", values=values, kind_page=kind_page,
                                   facts=preview_facts(db(), req),
                                   steps=route_preview(db(), req.kind, route,
                                                       *_ends(req, route)))
        with writing() as s:
            case = start_transfer(s, settings(), clock(), req, user.username)
            number = case.number
    except ZhuanjieError as exc:
        found, message = _errors_of(exc, renames)
        # a policy refusal (another branch's member, another parent's unit) is said beside
        # its field like any refusal, and answered 403 like every policy refusal
        return render_template(template, values=values, errors={**errors, **found},
                               message=message, **context), \
            403 if isinstance(exc, Forbidden) else 422
    flash(f"已提交，案件编号 {number}。可在“待办 → 未办结”中查看办理进度。", "success")
    return redirect(url_for("inbox.index", tab="unfinished"))


def _ends(req: TransferRequest, route: dict[str, Any]) -> tuple[str | None, str | None]:
    if req.kind == "whole-unit":
        return str(route.get("from") or ""), req.new_parent
    if req.kind == "in":
        return str(route.get("registrar") or ""), req.target_branch
    return applications.branch_of_member(db(), req.member), req.target_branch


@bp.route("/member", methods=["GET", "POST"])
@login_required  # type: ignore[misc]
def member() -> Any:
    """A branch secretary applies for a member of the branch."""
    user = me()
    members = applications.branch_members(db(), user)

    def parse(form: MultiDict[str, str], errors: dict[str, str]) -> TransferRequest:
        req = member_request(db(), form, errors)
        _collect(errors, lambda: check_letter(req.letter, req.kind))
        if req.kind == "out":
            _collect(errors, lambda: check_registration(req.destination, "destination"),
                     {"province": "dest_province", "org_name": "dest_org_name",
                      "address": "dest_address"})
        return req

    return _flow("start.member", "start/member.html", parse,
                 {"province": "dest_province", "org_name": "dest_org_name"},
                 {"members": members, "kinds": MEMBER_KINDS,
                  "branch": applications.user_org(db(), user)})


def _collect(errors: dict[str, str], check: Callable[[], Any],
             renames: dict[str, str] | None = None) -> None:
    try:
        check()
    except InvalidData as exc:
        for key, message in say_fields(exc.fields).items():
            errors.setdefault((renames or {}).get(key, key), message)


@bp.route("/incoming", methods=["GET", "POST"])
@login_required  # type: ignore[misc]
def incoming() -> Any:
    """省外转入: register a paper letter addressed to the user's (nationwide) organisation."""
    user = me()
    policy.require(user, policy.Action.REGISTER_INCOMING)

    def parse(form: MultiDict[str, str], errors: dict[str, str]) -> TransferRequest:
        req = incoming_request(db(), form, errors)
        _collect(errors, lambda: check_registration(req.registration, "registration"),
                 {"name": "member.name", "gender": "member.gender",
                  "ethnicity": "member.ethnicity"})
        return req

    return _flow("start.incoming", "start/incoming.html", parse,
                 {"name": "member.name", "gender": "member.gender",
                  "ethnicity": "member.ethnicity"},
                 {"org": applications.user_org(db(), user),
                  "nationwide": applications.may_register_incoming(db(), user,
                                                                   settings().policy)})


@bp.route("/whole-unit", methods=["GET", "POST"])
@login_required  # type: ignore[misc]
def whole_unit() -> Any:
    """整建制转接: move a unit under the user's organisation to a new parent (Art. 6)."""
    user = me()
    units = applications.movable_units(db(), user)
    return _flow("start.whole_unit", "start/whole_unit.html",
                 lambda form, errors: whole_unit_request(db(), form, errors), {},
                 {"units": units, "org": applications.user_org(db(), user)})
