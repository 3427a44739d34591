"""统计监督: the supervision dashboard of a manager's subtree, its exports and the heatmap of
a process version. Every number links to the cases behind it (the cases list)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, g, render_template, request, url_for
from flask_login import login_required

from app.errors import InvalidData
from app.memo import remembering
from app.services import case_query, dashboard, exports, heatmap
from app.services.case_filters import CaseFilter, local_date
from app.services.dashboard_tables import Table, tables
from app.web import CSP_STYLE_ATTRIBUTES
from app.web.support import clock, db, me

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
TOP = 15   # organisations in the ranking chart
ROWS = 100  # rows of a table on the page (the export has them all)
QUERY_SAFE = "!$'()*,/:;?@"  # as werkzeug encodes a URL's query arguments


def _period() -> tuple[date, date]:
    today = local_date(clock().now())
    try:
        first = date.fromisoformat(request.args.get("from", "")[:10])
        last = date.fromisoformat(request.args.get("to", "")[:10])
    except ValueError:
        first, last = today.replace(day=1), today
    return first, last


def _scope() -> dashboard.Scope:
    first, last = _period()
    return dashboard.scope_for(db(), me(), request.args.get("org") or None, first, last)


def _periods(today: date) -> list[tuple[str, date, date]]:
    month = today.replace(day=1)
    prev_last = month - timedelta(days=1)
    quarter = (month - timedelta(days=62)).replace(day=1)
    return [("本月", month, today), ("上月", prev_last.replace(day=1), prev_last),
            ("近三个月", quarter, today), ("本年", today.replace(month=1, day=1), today)]


def _link(f: CaseFilter | None) -> str | None:
    """The cases list of *f*: what url_for("cases.index", **args) gives, with the route
    built once per request (a dashboard has hundreds of links)."""
    if f is None:
        return None
    if "cases_index_url" not in g:
        g.cases_index_url = url_for("cases.index")
    args = f.to_args()
    query = urlencode(list(args.items()), safe=QUERY_SAFE) if args else ""
    return f"{g.cases_index_url}?{query}" if query else str(g.cases_index_url)


def _series(table: Table, label_cols: list[int], value_col: int, limit: int | None = None
            ) -> dict[str, Any]:
    rows = table.rows[:limit] if limit else table.rows
    return {"labels": ["·".join(str(r[i].value) for i in label_cols) for r in rows],
            "datasets": [{"label": table.header[value_col],
                          "data": [r[value_col].value for r in rows],
                          "links": [_link(r[value_col].filter) for r in rows]}]}


def _charts(t: dict[str, Table]) -> list[dict[str, Any]]:
    times = t["times"]
    monthly = t["monthly"]
    return [
        {"id": "chart-open", "horizontal": True, **_series(t["open"], [0, 1], 2)},
        {"id": "chart-late", "horizontal": True, **_series(t["late"], [1], 2, TOP)},
        {"id": "chart-times", "labels": [r[0].value for r in times.rows], "datasets": [
            {"label": "中位数", "data": [r[3].value for r in times.rows]},
            {"label": "第90百分位", "data": [r[4].value for r in times.rows]},
            {"label": "时限", "data": [r[5].value if isinstance(r[5].value, int) else None
                                     for r in times.rows], "line": True}]},
        {"id": "chart-decisions", "horizontal": True, **_series(t["decisions"], [0, 2], 3, TOP)},
        {"id": "chart-monthly", "line": True, "labels": [r[0].value for r in monthly.rows],
         "datasets": [{"label": monthly.header[i], "data": [r[i].value for r in monthly.rows],
                       "links": [_link(r[i].filter) for r in monthly.rows]}
                      for i in (1, 2, 3)]},
    ]


@bp.get("")
@login_required  # type: ignore[misc]
def index() -> str:
    """The dashboard of the user's subtree (or a part of it) over a period."""
    session, user, now = db(), me(), clock().now()
    with remembering(session):  # the organisations asked about, for this page only
        scope = _scope()
        t = tables(session, user, scope, now)
        late_cases = dashboard.late_cases(session, user, scope, now)
        orgs = case_query.org_options(session, user, below=2)
    args = {"org": scope.org.code, "from": scope.first.isoformat(),
            "to": scope.last.isoformat()}
    late_all = CaseFilter(task_under=scope.org.code, late_from=scope.first,
                          late_to=scope.last)
    return render_template(
        "dashboard/index.html", t=t, scope=scope, args=args, link=_link, rows_shown=ROWS,
        charts=_charts(t), periods=_periods(local_date(now)), orgs=orgs,
        late_orgs=len(t["late"].rows), late_cases=late_cases, late_link=_link(late_all))


@bp.get("/export/<table>.<fmt>")
@login_required  # type: ignore[misc]
def export(table: str, fmt: str) -> Response:
    """One table of the dashboard as CSV or XLSX."""
    if fmt not in exports.FORMATS:
        abort(404)
    session, user, now = db(), me(), clock().now()
    with remembering(session):
        scope = _scope()
        made = tables(session, user, scope, now, only=table)
    if table not in made:
        abort(404)
    t = made[table]
    name = f"{table}-{scope.org.code}-{scope.first:%Y%m%d}-{scope.last:%Y%m%d}"
    if fmt == "csv":
        return Response(exports.csv_stream(t.plain()), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename={name}.csv"})
    handle = exports.xlsx_file([(t.title, t.plain())])
    return Response(exports.file_chunks(handle), mimetype=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        headers={"Content-Disposition": f"attachment; filename={name}.xlsx"})


@bp.get("/heatmap")
@login_required  # type: ignore[misc]
def heat() -> Response:
    """Per element of a process version: cases there now, median working days spent."""
    session, user, now = db(), me(), clock().now()
    choices = heatmap.versions(session, user)
    if not choices:
        abort(404)
    wanted = request.args.get("deployment", "")
    dep_id = int(wanted) if wanted.isdigit() else choices[0][0]
    if not request.args.get("from"):
        today = local_date(now)
        scope = dashboard.scope_for(session, user, request.args.get("org") or None,
                                    today - timedelta(days=365), today)
    else:
        scope = _scope()
    try:
        with remembering(session):
            diagrams = heatmap.heatmap(session, user, dep_id, scope, now)
    except InvalidData:
        abort(404)
    data = [d.to_json(_link) for d in diagrams]
    response = Response(render_template(
        "dashboard/heatmap.html", diagrams=data, raw=diagrams, choices=choices, dep_id=dep_id,
        scope=scope, orgs=case_query.org_options(session, user, below=2), link=_link))
    response.headers["Content-Security-Policy"] = CSP_STYLE_ATTRIBUTES
    return response
