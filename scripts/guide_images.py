"""Copy the screenshots the browser tests took into docs/guide/images/ (256 colours, small).

    .venv/bin/pytest tests/browser && .venv/bin/python scripts/guide_images.py

The user guide (docs/guide/*.md) shows these pictures; run this after a change of the pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "browser" / "screenshots"
IMAGES = ROOT / "docs" / "guide" / "images"


def main() -> int:
    wanted = sorted(p.name for p in IMAGES.glob("*.png"))
    missing = [name for name in wanted if not (SHOTS / name).is_file()]
    for name in wanted:
        if name in missing:
            continue
        with Image.open(SHOTS / name) as image:
            image.convert("RGB").quantize(colors=256).save(IMAGES / name, optimize=True)
    for name in missing:
        print(f"not taken by the browser tests: {name}", file=sys.stderr)
    print(f"{len(wanted) - len(missing)} image(s) refreshed in {IMAGES}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
