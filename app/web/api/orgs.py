"""API: organisations — search, one organisation, and the route preview of a transfer."""

from __future__ import annotations

from typing import Any

from app.org.routing import ROUTE_KINDS
from app.org.tree import KINDS
from app.services import api_orgs
from app.web.api import bp
from app.web.api.core import (
    PAGE_PARAMS,
    ApiError,
    api_user,
    arg_choice,
    arg_text,
    operation,
    page_args,
    path_param,
    query,
)
from app.web.support import db, settings

CODE = {"type": "string", "minLength": 1, "maxLength": 64}


@operation(bp, "/orgs", "GET", summary="按名称或编码查找党组织", tag="orgs",
           ok=(200, "OrgPage"), errors=(400,),
           parameters=[query("q", {"type": "string", "maxLength": 100}, "名称或编码（包含）"),
                       query("kind", {"type": "string", "enum": list(KINDS)}, "组织类别"),
                       *PAGE_PARAMS])
def search_orgs() -> Any:
    """Organisations by part of their name or code."""
    page, per_page = page_args()
    return api_orgs.search_orgs(db(), api_user(), arg_text("q", 100),
                                arg_choice("kind", list(KINDS)), page, per_page).to_json()


@operation(bp, "/orgs/<code>", "GET", summary="党组织详情（上级、下级数、党员数、审批权限）",
           tag="orgs", ok=(200, "Org"), errors=(404,),
           parameters=[path_param("code", CODE, "组织编码")])
def get_org(code: str) -> Any:
    """One organisation and its routing facts."""
    return api_orgs.get_org(db(), api_user(), code[:64], settings())


@operation(bp, "/routes/<kind>", "GET", summary="审批路径预览（与发起时的计算相同）", tag="orgs",
           ok=(200, "Route"), errors=(400, 403, 404, 422),
           parameters=[path_param("kind", {"type": "string", "enum": list(ROUTE_KINDS)},
                                  "转接类型"),
                       query("from", CODE, "转出党支部（intra、out、out-of-system）"),
                       query("to", CODE, "转入党支部（intra、in）或新上级（whole-unit）"),
                       query("entry", CODE, "登记介绍信的党组织（in）"),
                       query("unit", CODE, "整建制转接的组织（whole-unit）")])
def preview_route(kind: str) -> Any:
    """The route a transfer of *kind* would follow."""
    if kind not in ROUTE_KINDS:
        raise ApiError(404, "not_found", f"no route kind {kind[:40]!r}")
    params = {name: arg_text(name, 64) for name in ("from", "to", "entry", "unit")}
    return api_orgs.preview_route(db(), api_user(), settings(), kind, params)
