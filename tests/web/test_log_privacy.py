"""No log line holds a full 公民身份号码 or mobile number: a representative run — the API
registering a paper letter with the member's data, a failed task, sign-ins, the progress
lookup, the command line — with every logger at DEBUG into a file, then the file is grepped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from app import create_app
from app.engine.clock import FixedClock, parse_instant
from app.pii import mask_text
from tests.pii_check import leaks
from tests.procedures.conftest import World
from tests.web.api.conftest import Api, add_extra_users, new_token

ID = "440106199005060026"
MOBILE = "13900000000"
REGISTRATION = {
    "serial": "粤组转〔2026〕第 88 号", "issuing_org": "中共广州市天河区委组织部",
    "province": "广东省", "issued_on": "2026-02-25", "validity_days": 30,
    "contact_phone": MOBILE,
    "member": {"name": "王五", "gender": "女", "ethnicity": "汉族", "birth_date": "1990-05-06",
               "id_number": ID, "category": "full", "joined_on": "2015-07-01",
               "dues_paid_until": "2026-02", "phone": MOBILE},
}


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "debug.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    root.setLevel(old_level)
    handler.close()


def test_mask_text_masks_only_valid_numbers() -> None:
    assert mask_text(f"id {ID} tel {MOBILE}") == "id 4401**********0026 tel 139****0000"
    assert mask_text("440106199005060027 order 123456789012345678901") == \
        "440106199005060027 order 123456789012345678901"  # wrong check digit, too long


def test_a_representative_run_logs_nothing_personal(world: World, debug_log: Path) -> None:
    add_extra_users(world)
    app = create_app({"database_url": world.settings.database_url, "TESTING": True,
                      "WTF_CSRF_ENABLED": False,
                      "CLOCK": FixedClock(parse_instant("2026-03-02T09:00"))})
    api = Api(app.test_client(), new_token(world, "op-CS"))
    started = api.post("/cases", {"kind": "in", "target_branch": "CS-YL-P2-B1",
                                  "registration": REGISTRATION})
    assert started.status_code == 201, started.json
    number = started.json["number"]
    assert ID not in started.get_data(as_text=True)
    bad = api.post("/cases", {"kind": "in", "target_branch": "CS-YL-P2-B1",
                              "registration": {**REGISTRATION, "validity_days": 0}})
    assert bad.status_code in (409, 422)
    client = app.test_client()
    client.post("/login", data={"username": ID, "password": MOBILE})
    client.post("/progress", data={"number": number, "id_tail": ID[-6:]})
    logging.getLogger("zhuanjie.test").warning("member %s rang from %s", ID, MOBILE)
    try:
        raise ValueError(f"bad member {ID}")
    except ValueError:
        logging.getLogger("zhuanjie.test").exception("while handling %s", number)
    from app.cli import cli

    CliRunner().invoke(cli, ["cases", "show", number],
                       env={"ZHUANJIE_DATABASE_URL": world.settings.database_url})
    text = debug_log.read_text(encoding="utf-8")
    assert "4401**********0026" in text and "139****0000" in text  # the lines were written
    assert "api POST /api/v1/cases" in text
    assert leaks(text) == []
