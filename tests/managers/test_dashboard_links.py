"""The dashboard's drill-down links are the cases list's URLs, as url_for builds them."""

from __future__ import annotations

from datetime import date

from flask import url_for

from app.services.case_filters import CaseFilter
from app.web.dashboard import _link


def test_links_are_what_url_for_builds(app) -> None:
    filters = [CaseFilter(), CaseFilter(org="CS-YL", status="open", kind="intra"),
               CaseFilter(task_under="HN", late_from=date(2026, 3, 1), late_to=date(2026, 3, 31),
                          step="approve", task_org="CS-YL-JY"),
               CaseFilter(q="张三 & 李四/50%", decision="send_back", reason="info_incomplete",
                          task_open=True, deployment=3, sort="due")]
    with app.test_request_context("/dashboard"):
        for f in filters:
            assert _link(f) == url_for("cases.index", **f.to_args())
        assert _link(None) is None


def test_replace_keeps_the_other_fields_and_refuses_unknown_ones() -> None:
    f = CaseFilter(org="CS", step="approve")
    g = f.replace(step="receive", overdue=True)
    assert (g.org, g.step, g.overdue, f.step) == ("CS", "receive", True, "approve")
    assert g == CaseFilter(org="CS", step="receive", overdue=True) and hash(g) == hash(
        CaseFilter(org="CS", step="receive", overdue=True))
    try:
        f.replace(nope=1)
    except TypeError:
        pass
    else:
        raise AssertionError("an unknown field was accepted")
