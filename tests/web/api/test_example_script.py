"""docs/api-example.sh runs a whole case against a running server (curl, HTTP only)."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from app import create_app
from tests.procedures.conftest import ROOT, World
from tests.web.api.conftest import new_token

SCRIPT = ROOT / "docs" / "api-example.sh"


@pytest.fixture
def server(api_world: World) -> Iterator[str]:
    app = create_app({"database_url": api_world.settings.database_url,
                      "scheduler_in_web": False})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/api/v1"
    httpd.shutdown()
    thread.join(timeout=10)


def test_the_example_script_runs_a_whole_case(api_world: World, server: str) -> None:
    if shutil.which("curl") is None:
        pytest.fail("curl is needed by docs/api-example.sh (apt-get install curl)")
    people = ["op-CS-YL-JY-P1", "op-CS-YL-JY", "op-CS-YL", "op-CS-YH", "op-CS-YH-P1",
              "sec-CS-YH-P1-B1"]
    env = {**os.environ, "BASE": server, "MEMBER": "M-JY", "TARGET": "CS-YH-P1-B1",
           "APPLICANT": new_token(api_world, "sec-CS-YL-JY-P1-B1"),
           "TOKENS": " ".join(new_token(api_world, u) for u in people)}
    done = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "started" in done.stdout and done.stdout.rstrip().endswith("completed")
    assert "(report) done" in done.stdout
    assert api_world.branch_of("M-JY") == "CS-YH-P1-B1"
