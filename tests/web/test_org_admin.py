"""组织机构 pages: who may look and change, the forms, the upload with every error listed."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.models import Org
from tests.factories import make_user
from tests.procedures.conftest import World
from tests.services.diagram_variants import policy_user
from tests.web.conftest import sign_in


@pytest.fixture
def staff(client, world: World):
    with session_scope(world.engine, write=True) as s:
        policy_user(s)
    sign_in(client, "policy-hn")
    return client


def test_admins_look_operators_do_not(client, world: World) -> None:
    with session_scope(world.engine, write=True) as s:
        make_user(s, "admin-hn", s.scalar(select(Org).where(Org.code == "HN")), "admin")
    sign_in(client, "op-CS-YL")
    assert client.get("/orgs/").status_code == 403
    client.post("/logout")
    sign_in(client, "admin-hn")
    page = client.get("/orgs/?code=CS-YL").get_data(as_text=True)
    assert "中共长沙市岳麓区委组织部" in page and "修改名称与权限" not in page
    assert client.post("/orgs/CS-YL/update", data={"name": "x"}).status_code == 403
    upload = client.post("/orgs/upload", data={"file": (io.BytesIO(b"orgs: []"), "t.yaml")},
                         content_type="multipart/form-data")
    assert upload.status_code == 403  # refused before the file is read


def test_an_unknown_organisation_is_not_found(staff) -> None:
    assert staff.post("/orgs/NOPE/update", data={"name": "x"}).status_code == 404
    assert staff.post("/orgs/NOPE/children", data={"code": "N1", "name": "x",
                                                   "kind": "branch"}).status_code == 404


def test_browse_show_and_search(staff) -> None:
    top = staff.get("/orgs/").get_data(as_text=True)
    assert "顶层组织" in top and "中共湖南省委组织部" in top
    page = staff.get("/orgs/?code=CS-YL-P1-V").get_data(as_text=True)
    assert "无（由上级党组织办理转接）" in page and "下级组织（1）" in page
    assert "CS-YL-P1</code> → <code>CS-YL" in page
    found = staff.get("/orgs/?q=中学").get_data(as_text=True)
    assert "查找结果（2）" in found and "CS-YL-JY-P1-B1" in found
    assert staff.get("/orgs/?code=NOPE").status_code == 404


def test_add_rename_and_deactivate_through_the_forms(staff, world: World) -> None:
    refused = staff.post("/orgs/CS-YL-P1/children", data={"code": "CS-YL-P1-B1", "name": "重复",
                                                          "kind": "branch"})
    assert refused.status_code == 422
    assert "编码 CS-YL-P1-B1 已存在" in refused.get_data(as_text=True)
    added = staff.post("/orgs/CS-YL-P1/children", data={"code": "CS-YL-P1-B3",
                                                        "name": "第三党支部", "kind": "branch"},
                       follow_redirects=True)
    assert "已新增党组织 CS-YL-P1-B3" in added.get_data(as_text=True)
    renamed = staff.post("/orgs/CS-YL-P1-B3/update", data={"name": "望月湖第三党支部"},
                         follow_redirects=True)
    assert "望月湖第三党支部" in renamed.get_data(as_text=True)
    busy = staff.post("/orgs/CS-YL-P1-B1/active", data={"active": "0", "reason": "撤并"})
    assert busy.status_code == 422 and "不能停用" in busy.get_data(as_text=True)
    done = staff.post("/orgs/CS-YL-P1-B3/active", data={"active": "0", "reason": "录错"},
                      follow_redirects=True)
    assert "已停用该党组织" in done.get_data(as_text=True)
    again = staff.post("/orgs/CS-YL-P1-B3/active", data={"active": "1", "reason": "恢复"},
                       follow_redirects=True)
    assert "已启用该党组织" in again.get_data(as_text=True)


def test_upload_lists_every_error_and_writes_nothing(staff, world: World) -> None:
    bad = ("orgs:\n  - code: HN\n    name: 中共湖南省委组织部\n    kind: province_dept\n"
           "    children:\n      - {code: HN-A, name: '', kind: branch}\n"
           "      - {code: HN-B, name: b, kind: committee, nationwide: true}\n").encode()
    page = staff.post("/orgs/upload", data={"file": (io.BytesIO(bad), "tree.yaml")},
                      content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "文件未导入（共 2 处错误，未写入任何数据）" in text
    assert "HN-A: name is missing" in text and "nationwide applies only to a system" in text
    with session_scope(world.engine) as s:
        assert s.scalar(select(Org).where(Org.code == "HN-B")) is None
    good = ("orgs:\n  - code: HN\n    name: 中共湖南省委组织部\n    kind: province_dept\n"
            "    children:\n      - {code: HN-B8, name: 机关党支部, kind: branch}\n").encode()
    done = staff.post("/orgs/upload", data={"file": (io.BytesIO(good), "tree.yaml")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "已导入：党组织新增 1 个" in done.get_data(as_text=True)
