"""Render a BPMN file to PNG with bpmn-js in Debian's headless Chromium.

    python -m tools.bpmnbuild.preview FILE.bpmn OUT.png [--scale 1.5]

bpmn-js comes from ``node_modules/`` (``npm ci`` at the repository root) and the browser is
the system's ``/usr/bin/chromium`` (``apt-get install -y chromium``): nothing is downloaded
and the page reaches no network. bpmn-js's import warnings are printed (an unresolved
``loopDataInputRef`` is expected: SpiffWorkflow reads it as a task-data variable name, not
as a reference to an element); the exit status is 1 when bpmn-js cannot import the file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
VIEWER = ROOT / "node_modules" / "bpmn-js" / "dist" / "bpmn-viewer.production.min.js"
STYLES = ROOT / "node_modules" / "bpmn-js" / "dist" / "assets" / "diagram-js.css"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
MARGIN = 20
FONTS = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
html, body {{ margin: 0; background: #fff; }}
#canvas {{ width: {width}px; height: {height}px; }}
.djs-container svg text {{ font-family: {fonts} !important; }}
</style></head><body><div id="canvas"></div></body></html>"""

_IMPORT = """async ([xml, box]) => {
  const viewer = new BpmnJS({ container: '#canvas' });
  try {
    const result = await viewer.importXML(xml);
    viewer.get('canvas').viewbox(box);
    return { warnings: result.warnings.map(w => w.message) };
  } catch (err) {
    return { error: String(err.message || err),
             warnings: (err.warnings || []).map(w => w.message) };
  }
}"""


def diagram_bounds(xml: bytes) -> dict[str, float]:
    """The box around every shape and waypoint of a BPMN file's diagram, with a margin."""
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    xs: list[float] = []
    ys: list[float] = []
    for el in root.iter("{*}Bounds"):
        x, y = float(el.get("x", 0)), float(el.get("y", 0))
        xs += [x, x + float(el.get("width", 0))]
        ys += [y, y + float(el.get("height", 0))]
    for el in root.iter("{*}waypoint"):
        xs.append(float(el.get("x", 0)))
        ys.append(float(el.get("y", 0)))
    if not xs:
        raise ValueError("the file has no diagram interchange to draw")
    return {"x": min(xs) - MARGIN, "y": min(ys) - MARGIN,
            "width": max(xs) - min(xs) + 2 * MARGIN, "height": max(ys) - min(ys) + 2 * MARGIN}


def _missing() -> str | None:
    if not VIEWER.is_file():
        return f"bpmn-js is not installed ({VIEWER}); run `npm ci` at the repository root"
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing; run `apt-get install -y chromium`"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing; run `make install`"
    return None


def render_png(xml: bytes, out: Path, scale: float = 1.0) -> list[str]:
    """Draw *xml* into the PNG *out*; bpmn-js's import warnings (RuntimeError on failure)."""
    from playwright.sync_api import sync_playwright

    why = _missing()
    if why:
        raise RuntimeError(why)
    box = diagram_bounds(xml)
    width, height = int(box["width"]), int(box["height"])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height},
                                    device_scale_factor=scale)
            page.route("**/*", lambda route: route.abort())  # no network, ever
            page.set_content(_PAGE.format(width=width, height=height, fonts=FONTS))
            page.add_style_tag(path=str(STYLES))
            page.add_script_tag(path=str(VIEWER))
            result = page.evaluate(_IMPORT, [xml.decode("utf-8"), box])
            if "error" in result:
                raise RuntimeError(f"bpmn-js could not import the file: {result['error']}")
            page.locator("#canvas").screenshot(path=str(out))
        finally:
            browser.close()
    return list(result["warnings"])


def main(argv: list[str] | None = None) -> int:
    """Command line: render FILE to OUT; 1 when bpmn-js fails, 2 when it is unavailable."""
    parser = argparse.ArgumentParser(prog="python -m tools.bpmnbuild.preview",
                                     description="Render a BPMN file to PNG with bpmn-js.")
    parser.add_argument("file", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="device pixel ratio")
    args = parser.parse_args(argv)
    why = _missing()
    if why:
        print(f"preview unavailable: {why}", file=sys.stderr)
        return 2
    try:
        warnings = render_png(args.file.read_bytes(), args.out, args.scale)
    except (RuntimeError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for warning in warnings:
        print(f"bpmn-js warning: {warning}", file=sys.stderr)
    print(json.dumps({"file": str(args.file), "png": str(args.out), "warnings": len(warnings)},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
