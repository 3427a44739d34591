"""``python -m tools.bpmnbuild``: write the diagrams, or check that bpmn/ is up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools.bpmn_examples import report, single, transfer
from tools.bpmnbuild.__main__ import DEFAULT_OUT, main
from tools.bpmnbuild.dsl import Process
from tools.bpmnbuild.emit import to_xml

ROOT = Path(__file__).resolve().parents[2]


def test_writes_every_process_then_finds_them_up_to_date(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    processes = [transfer(), report(), single()]
    assert main(["--out", str(tmp_path)], processes) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "report_in.bpmn", "single.bpmn", "transfer.bpmn"]
    assert (tmp_path / "transfer.bpmn").read_text(encoding="utf-8") == to_xml(transfer())
    assert "3 file(s) (diagrams and forms), 3 written" in capsys.readouterr().out
    assert main(["--check", "--out", str(tmp_path)], processes) == 0
    assert main(["--out", str(tmp_path)], processes) == 0
    assert "3 file(s) (diagrams and forms), 0 written" in capsys.readouterr().out


def test_check_lists_changed_and_missing_files_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    processes = [transfer(), single()]
    main(["--out", str(tmp_path)], processes)
    (tmp_path / "single.bpmn").write_text("edited by hand", encoding="utf-8")
    (tmp_path / "transfer.bpmn").unlink()
    capsys.readouterr()
    assert main(["--check", "--out", str(tmp_path)], processes) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"out of date: {tmp_path / 'transfer.bpmn'}",
                   f"out of date: {tmp_path / 'single.bpmn'}"]
    assert not (tmp_path / "transfer.bpmn").exists()
    assert (tmp_path / "single.bpmn").read_text(encoding="utf-8") == "edited by hand"


def test_a_bad_definition_is_reported_and_nothing_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = single()
    bad.flows.append(bad.flows[0].__class__("t", "ghost"))
    assert main(["--out", str(tmp_path / "out")], [transfer(), bad]) == 2
    err = capsys.readouterr().err
    assert "process 'single' cannot be built" in err and "unknown node 'ghost'" in err
    assert not (tmp_path / "out").exists()


def test_two_processes_may_not_write_one_file(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    one = single()
    other = Process("other", one.name, one.participant, one.lanes, one.nodes, one.flows,
                    file_name="single.bpmn")
    assert main(["--out", str(tmp_path)], [one, other]) == 2
    assert "file single.bpmn is also written by process 'single'" in capsys.readouterr().err


def test_the_repository_diagrams_are_in_step_with_the_definitions() -> None:
    # bpmn/ is generated: edit tools/procedures/ and run `make diagrams`
    assert main(["--check"]) == 0, "bpmn/ is out of date: run `make diagrams`"
    assert DEFAULT_OUT == ROOT / "bpmn"


def test_runs_as_a_module() -> None:
    done = subprocess.run([sys.executable, "-m", "tools.bpmnbuild", "--help"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "--check" in done.stdout
