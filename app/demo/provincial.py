"""The provincial part of the demo tree and the demo users."""

from __future__ import annotations

from typing import Any

B = "branch"
C = "committee"


def _b(code: str, name: str) -> tuple[str, str, str, dict[str, Any], list[Any]]:
    return (code, name, B, {}, [])


#: The five provincial systems (Art. 4 names the first four as nationwide).
PROVINCIAL: list[tuple[str, str, str, dict[str, Any], list[Any]]] = [
    ("HN-JG", "中共湖南省直属机关工作委员会", "system", {"nationwide": True}, [
        ("HN-JG-SW", "中共湖南省水利厅机关委员会", C, {}, [
            _b("HN-JG-SW-B1", "水利厅办公室党支部"),
            _b("HN-JG-SW-B2", "水利厅河湖管理处党支部")]),
        ("HN-JG-JT", "中共湖南省交通运输厅机关委员会", C, {}, [
            ("HN-JG-JT-G1", "中共湖南省公路事务中心总支部委员会", "general_branch", {}, [
                _b("HN-JG-JT-G1-B1", "公路事务中心第一党支部"),
                _b("HN-JG-JT-G1-B2", "公路事务中心第二党支部")]),
            _b("HN-JG-JT-B1", "交通运输厅机关第一党支部")]),
        ("HN-JG-CZ", "中共湖南省财政厅机关委员会", C, {}, [
            _b("HN-JG-CZ-B1", "财政厅预算处党支部")]),
    ]),
    ("HN-JY", "中共湖南省委教育工作委员会", "system", {"nationwide": True}, [
        ("HN-JY-HD", "中共湖南大学委员会", C, {}, [
            ("HN-JY-HD-XX", "中共湖南大学信息科学与工程学院委员会", C,
             {"approves_members": False}, [
                 _b("HN-JY-HD-XX-B1", "信息学院教工第一党支部"),
                 _b("HN-JY-HD-XX-B2", "信息学院研究生第一党支部")]),
            _b("HN-JY-HD-B1", "湖南大学机关第一党支部")]),
        ("HN-JY-SD", "中共湖南师范大学委员会", C, {}, [
            _b("HN-JY-SD-B1", "湖南师范大学文学院教工党支部"),
            _b("HN-JY-SD-B2", "湖南师范大学文学院学生党支部")]),
    ]),
    ("HN-GZ", "中共湖南省人民政府国有资产监督管理委员会委员会", "system",
     {"nationwide": True}, [
        ("HN-GZ-NY", "中共湖南某能源集团有限公司委员会", C, {}, [
            ("HN-GZ-NY-P1", "中共湖南某能源集团发电分公司委员会", C, {}, [
                _b("HN-GZ-NY-P1-B1", "发电分公司运行党支部")]),
            _b("HN-GZ-NY-B1", "某能源集团本部党支部")]),
        ("HN-GZ-JT", "中共湖南某交通投资集团有限公司委员会", C, {}, [
            _b("HN-GZ-JT-B1", "某交通投资集团工程部党支部")]),
    ]),
    ("HN-FG", "中共湖南省委非公有制经济组织和社会组织工作委员会", "system",
     {"nationwide": True}, [
        ("HN-FG-KJ", "中共湖南某科技有限公司委员会", C, {}, [
            _b("HN-FG-KJ-B1", "某科技有限公司研发中心党支部"),
            _b("HN-FG-KJ-B2", "某科技有限公司生产部党支部")]),
        _b("HN-FG-XH", "湖南省某行业协会党支部"),
    ]),
    ("HN-LT", "中共湖南省委离退休干部工作委员会", "system", {"nationwide": False}, [
        ("HN-LT-P1", "中共湖南省老干部活动中心委员会", C, {}, [
            _b("HN-LT-P1-B1", "离休干部第一党支部"),
            _b("HN-LT-P1-B2", "退休干部第一党支部")]),
    ]),
]

_DEMO = "demo2018"

#: Demo users: at least one per role of PROCEDURES.md, on the worked examples' route.
USERS: list[dict[str, Any]] = [
    {"username": u, "name": n, "org": o, "roles": r, "password": p} for u, n, o, r, p in [
        ("sec-cs-yl-p1-b1", "望月湖街道机关党支部书记", "CS-YL-P1-B1", ["branch_secretary"],
         _DEMO),
        ("sec-cs-yl-p2-b1", "莲花镇机关党支部书记", "CS-YL-P2-B1", ["branch_secretary"], _DEMO),
        ("sec-cs-yh-p1-b1", "侯家塘街道机关党支部书记", "CS-YH-P1-B1", ["branch_secretary"],
         _DEMO),
        ("op-cs-yl-p1", "望月湖街道工委经办人", "CS-YL-P1", ["operator"], _DEMO),
        ("op-cs-yl-p2", "莲花镇党委经办人", "CS-YL-P2", ["operator"], _DEMO),
        ("op-cs-yl-jy", "岳麓区委教育工委经办人", "CS-YL-JY", ["operator"], _DEMO),
        ("op-cs-yl", "岳麓区委组织部经办人", "CS-YL", ["operator"], _DEMO),
        ("op-cs-yh", "雨花区委组织部经办人", "CS-YH", ["operator"], _DEMO),
        ("op-cs-yh-p1", "侯家塘街道工委经办人", "CS-YH-P1", ["operator"], _DEMO),
        ("op-hn-jg", "省直机关工委经办人", "HN-JG", ["operator"], _DEMO),
        ("op-cs", "长沙市委组织部经办人", "CS", ["operator"], _DEMO),
        ("op-hn", "省委组织部经办人", "HN", ["operator"], _DEMO),
        ("mgr-cs", "长沙市委组织部组织二科", "CS", ["manager"], _DEMO),
        ("mgr-hn", "省委组织部组织二处", "HN", ["manager"], _DEMO),
        ("policy-hn", "省委组织部党员管理处", "HN", ["policy_staff"], _DEMO),
        ("admin", "系统管理员", "HN", ["admin"], "admin2018"),
    ]
]
