"""bpmn-js draws what the compiler writes (browser test: headless Chromium, node_modules).

Skipped, saying why, when Chromium, bpmn-js or playwright is missing — except under
CI=true, where a missing browser is a failure (`make install` provides all three).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from tests.tools.bpmn_examples import all_examples
from tools.bpmnbuild import preview
from tools.bpmnbuild.emit import to_xml

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def browser() -> None:
    why = preview._missing()
    if why is None:
        return
    if IN_CI:
        pytest.fail(f"browser test needs what CI must have: {why}")
    pytest.skip(f"browser test skipped: {why}")


def test_bpmn_js_imports_and_draws_every_example(browser: None, tmp_path: Path) -> None:
    for process in all_examples():
        xml = to_xml(process).encode("utf-8")
        out = tmp_path / f"{process.id}.png"
        warnings = preview.render_png(xml, out)
        # SpiffWorkflow reads loopDataInputRef/loopDataOutputRef as variable names, which
        # bpmn-js looks up as element ids: the only warning a compiled file may give
        assert all(w.startswith("unresolved reference") for w in warnings), warnings
        box = preview.diagram_bounds(xml)
        with Image.open(out) as image:
            assert image.size == (int(box["width"]), int(box["height"]))
            colours = image.convert("L").getcolors(maxcolors=1 << 16)
            assert colours is not None and len(colours) > 2  # something was drawn


def test_command_line_renders_a_file(browser: None, tmp_path: Path) -> None:
    source = tmp_path / "single.bpmn"
    source.write_text(to_xml(all_examples()[-1]), encoding="utf-8")
    assert preview.main([str(source), str(tmp_path / "single.png")]) == 0
    assert (tmp_path / "single.png").stat().st_size > 1000


def test_a_file_bpmn_js_cannot_read_fails(browser: None, tmp_path: Path) -> None:
    source = tmp_path / "broken.bpmn"
    source.write_text('<?xml version="1.0"?><definitions xmlns="http://example.org/x">'
                      '<Bounds x="0" y="0" width="10" height="10"/></definitions>',
                      encoding="utf-8")
    assert preview.main([str(source), str(tmp_path / "broken.png")]) == 1
