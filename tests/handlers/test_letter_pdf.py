"""The letter and the member form as PDF: a CJK font embedded, and pages that really render.

poppler-utils (pdftoppm, pdftotext, pdffonts) is installed by `make install`
(scripts/install-system-deps.sh); a missing tool fails the test rather than skipping it.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import zlib
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from letter_samples import ID_NUMBER, longest_form, longest_letter, sample_form, sample_letter
from PIL import Image

from handlers.letters import fonts
from handlers.letters.render import (
    CjkFontMissing,
    render_letter_html,
    render_letter_pdf,
    render_member_form_html,
    render_member_form_pdf,
)

A4_RATIO = 297 / 210


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: `make install` installs poppler-utils")
    return path


def _run(*args: str) -> str:
    return subprocess.run([_tool(args[0]), *args[1:]], capture_output=True, text=True,
                          check=True, timeout=120).stdout


def _write(pdf: bytes, tmp_path: Path, name: str = "doc.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def _page_images(pdf: Path) -> list[Image.Image]:
    prefix = pdf.with_suffix("")
    _run("pdftoppm", "-r", "50", "-png", str(pdf), str(prefix))
    files = sorted(pdf.parent.glob(f"{prefix.name}-*.png"))
    return [Image.open(f).convert("L") for f in files]


def _fonts(pdf: Path) -> list[tuple[str, str]]:
    """(name, embedded) of every font pdffonts lists, cut by the header's dashed columns."""
    lines = _run("pdffonts", str(pdf)).splitlines()
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    emb = 3  # name, type, encoding, emb, sub, uni, object ID
    return [(line[slice(*spans[0])].strip(), line[slice(*spans[emb])].strip())
            for line in lines[2:] if line.strip()]


def _stream_bytes(pdf: bytes) -> bytes:
    """Every stream of the PDF inflated where it is Flate-compressed (object streams too)."""
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(out)


class _Text(HTMLParser):
    """The text nodes of a page's body."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "title", "head")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "title", "head")

    def handle_data(self, data: str) -> None:
        text = re.sub(r"\s+", "", data)
        if text and not self._skip:
            self.nodes.append(text)


def _html_text_nodes(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.nodes


@pytest.fixture(scope="module")
def letter_pdf() -> bytes:
    return render_letter_pdf(sample_letter())


@pytest.fixture(scope="module")
def form_pdf() -> bytes:
    return render_member_form_pdf(sample_form())


@pytest.mark.parametrize("doc", ["letter_pdf", "form_pdf"])
def test_pdf_embeds_a_cjk_font(doc: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    pdf: bytes = request.getfixturevalue(doc)
    assert pdf.startswith(b"%PDF-")
    listed = _fonts(_write(pdf, tmp_path))
    assert listed, "the PDF lists no font"
    assert all(emb == "yes" for _, emb in listed), listed
    family = fonts.find_cjk_font().family.replace(" ", "-")
    assert any(family in name for name, _ in listed), (family, listed)
    raw = _stream_bytes(pdf)  # the font dictionary itself, read without poppler
    assert re.search(rb"/FontFile[23]?\s", raw)
    assert b"/ToUnicode" in raw


@pytest.mark.parametrize("doc", ["letter_pdf", "form_pdf"])
def test_pdf_renders_one_a4_page_with_ink(
    doc: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    pages = _page_images(_write(request.getfixturevalue(doc), tmp_path))
    assert len(pages) == 1
    page = pages[0]
    width, height = page.size
    assert abs(height / width - A4_RATIO) < 0.01, page.size
    histogram = page.histogram()
    dark = sum(histogram[:128])
    assert 0.005 < dark / (width * height) < 0.25, dark
    for third in range(3):  # stub, letter and receipt (or the form's table and signature)
        band = page.crop((0, third * height // 3, width, (third + 1) * height // 3))
        assert sum(band.histogram()[:128]) > 200, f"third {third} is blank"


def test_letter_cut_lines_cross_the_page(letter_pdf: bytes, tmp_path: Path) -> None:
    """Two dashed lines run into both side margins, where nothing else is printed."""
    page = _page_images(_write(letter_pdf, tmp_path))[0]
    width, height = page.size
    pixels = page.load()
    px_per_mm = width / 210

    def inked(y: int, from_mm: float, to_mm: float) -> bool:
        xs = range(round(from_mm * px_per_mm), round(to_mm * px_per_mm))
        return sum(pixels[x, y] < 235 for x in xs) >= 2

    rows = [y for y in range(height) if inked(y, 11, 17) and inked(y, 193, 199)]
    lines = [y for i, y in enumerate(rows) if i == 0 or y - rows[i - 1] > 2]
    assert len(lines) == 2, rows
    assert height * 0.2 < lines[0] < lines[1] < height * 0.85


def test_letter_text_comes_back_out(letter_pdf: bytes, tmp_path: Path) -> None:
    text = _run("pdftotext", "-raw", str(_write(letter_pdf, tmp_path)), "-")
    flat = re.sub(r"\s+", "", text)
    for wanted in ("中国共产党党员组织关系介绍信（存根）", "中国共产党党员组织关系介绍信回执",
                   "有效期叁拾天", "党费已交到贰零贰陆年拾壹月", "贰零贰陆年拾壹月贰拾陆日",
                   ID_NUMBER, "张三", "盖章"):
        assert wanted in flat, wanted
    assert flat.count("〔2026〕第12号") >= 3


@pytest.mark.parametrize(
    ("render_html", "render_pdf", "data"),
    [
        (render_letter_html, render_letter_pdf, sample_letter),
        (render_member_form_html, render_member_form_pdf, sample_form),
        (render_letter_html, render_letter_pdf, longest_letter),
        (render_member_form_html, render_member_form_pdf, longest_form),
    ],
    ids=["letter", "form", "longest-letter", "longest-form"],
)
def test_pdf_is_the_html_on_one_page(
    render_html: Callable[[Any], str],
    render_pdf: Callable[[Any], bytes],
    data: Callable[[], object],
    tmp_path: Path,
) -> None:
    """Every text of the print page is in the PDF; the longest data still fit one page."""
    record = data()
    path = _write(render_pdf(record), tmp_path)
    assert len(_page_images(path)) == 1
    flat = re.sub(r"\s+", "", _run("pdftotext", "-raw", str(path), "-"))
    nodes = _html_text_nodes(render_html(record))
    assert len(nodes) > 20
    for node in nodes:
        assert node in flat, f"{node!r} is not in the PDF"


def test_missing_font_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_fc_list", lambda: {})
    monkeypatch.setattr(fonts, "KNOWN_PATHS", {"Nothing": "/nonexistent/font.ttc"})
    fonts.find_cjk_font.cache_clear()
    try:
        with pytest.raises(CjkFontMissing, match="fonts-noto-cjk"):
            render_letter_pdf(sample_letter())
    finally:
        fonts.find_cjk_font.cache_clear()


def test_a_serif_cjk_font_is_preferred() -> None:
    font = fonts.find_cjk_font()
    assert font.path.is_file()
    assert font.family in fonts.PREFERRED_FAMILIES


def test_rendering_logs_no_layout_warnings(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        render_letter_pdf(sample_letter(archive_handling="sealed_copy"))
        render_member_form_pdf(sample_form())
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
