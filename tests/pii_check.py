"""Finding personal data in text (the log greps of the test suite)."""

from __future__ import annotations

import re

from app.pii import is_id_number

CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def leaks(text: str) -> list[str]:
    """Full id numbers (valid check digit) and mobile numbers in *text*."""
    found = [m.group(0) for m in CANDIDATE.finditer(text) if is_id_number(m.group(0))]
    return found + MOBILE_RE.findall(text)
