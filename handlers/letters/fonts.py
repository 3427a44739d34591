"""The CJK font embedded in letter PDFs, found through fontconfig or at Debian's known paths.

`make install` installs Debian's fonts-noto-cjk (scripts/install-system-deps.sh) when no
such font is present; nothing is ever downloaded at run time. A Song (serif) face is
preferred, as on printed official documents; a sans face is accepted in its place.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Preferred families, best first: Song faces, then the sans faces of the same packages.
PREFERRED_FAMILIES = (
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "AR PL UMing CN",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)
# Where Debian's packages put them, for a system without the fc-list program.
KNOWN_PATHS = {
    "Noto Serif CJK SC": "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "Noto Sans CJK SC": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "AR PL UMing CN": "/usr/share/fonts/truetype/arphic/uming.ttc",
    "WenQuanYi Zen Hei": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "WenQuanYi Micro Hei": "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
}
INSTALL_HINT = (
    "no CJK font for the letter PDF: install Debian's fonts-noto-cjk "
    "(`make install` does it through scripts/install-system-deps.sh)"
)


class CjkFontMissing(RuntimeError):
    """No CJK font is installed, so a letter PDF would show empty boxes instead of text."""


@dataclass(frozen=True)
class CjkFont:
    """A font family that fontconfig (and so WeasyPrint) resolves, and one file of it."""

    family: str
    path: Path


def _fc_list() -> dict[str, Path]:
    """Family → file of every font that covers Simplified Chinese, per fontconfig."""
    exe = shutil.which("fc-list")
    if exe is None:
        return {}
    result = subprocess.run(
        [exe, ":lang=zh-cn", "family", "file"],
        capture_output=True, text=True, check=False, timeout=30,
    )
    found: dict[str, Path] = {}
    for line in result.stdout.splitlines():
        path, _, families = line.partition(": ")
        for family in families.split(","):
            found.setdefault(family.strip(), Path(path.strip()))
    return found


@lru_cache(maxsize=1)
def find_cjk_font() -> CjkFont:
    """The best installed CJK font; raises CjkFontMissing with the install hint otherwise."""
    available = _fc_list()
    for family in PREFERRED_FAMILIES:
        if family in available:
            return CjkFont(family, available[family])
    if available:  # some other Chinese font that fontconfig knows: better than none
        family = sorted(available)[0]
        return CjkFont(family, available[family])
    for family, path in KNOWN_PATHS.items():
        if Path(path).is_file():
            return CjkFont(family, Path(path))
    raise CjkFontMissing(INSTALL_HINT)
