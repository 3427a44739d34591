"""The letter and the member form as HTML print pages, and the data they are printed from."""

from __future__ import annotations

import re
from datetime import date

import pytest
from letter_samples import ID_NUMBER, sample_form, sample_letter

from handlers.letters.render import (
    LetterDataError,
    age_on,
    format_serial,
    render_letter_html,
    render_member_form_html,
)


def _sections(html: str) -> dict[str, str]:
    """The three parts of the letter by id: stub, letter, receipt."""
    parts = re.findall(r'<section class="part [a-z]+" id="([a-z]+)">(.*?)</section>', html, re.S)
    return dict(parts)


def test_letter_has_three_parts_each_with_the_serial() -> None:
    html = render_letter_html(sample_letter())
    parts = _sections(html)
    assert list(parts) == ["stub", "letter", "receipt"]
    assert "存根" in parts["stub"] and "回执" in parts["receipt"]
    assert "中国共产党党员组织关系介绍信" in parts["letter"]
    for part in parts.values():
        assert "〔2026〕第 12 号" in part


def test_letter_writes_validity_dues_and_date_in_capitals() -> None:
    parts = _sections(render_letter_html(sample_letter()))
    for name in ("stub", "letter"):
        assert re.search(r"有效期<span class=\"f\">叁拾</span>天", parts[name])
        assert "贰零贰陆年拾壹月</span>" in parts[name]  # dues paid until 2026-11
        assert "贰零贰陆年拾壹月贰拾陆日" in parts[name]  # date of issue
    assert "30天" not in parts["letter"] and "2026-11" not in parts["letter"]


def test_letter_capitals_follow_the_data() -> None:
    html = render_letter_html(sample_letter(validity_days=90, dues_paid_until="2027-01",
                                            issued_on=date(2027, 2, 10)))
    assert "玖拾" in html and "贰零贰柒年壹月" in html and "贰零贰柒年贰月拾日" in html


def test_letter_shows_the_full_id_number_and_the_member() -> None:
    parts = _sections(render_letter_html(sample_letter()))
    assert ID_NUMBER in parts["letter"]  # the official paper carries it unmasked
    assert "张三" in parts["receipt"] and "中共长沙市岳麓区委组织部" in parts["receipt"]
    assert "正式党员" in parts["letter"] and "36</span>岁" in parts["letter"]


def test_letter_marks_the_seals_and_the_cut_lines() -> None:
    html = render_letter_html(sample_letter())
    parts = _sections(html)
    assert 'class="seal"' in parts["letter"] and 'class="seal"' in parts["receipt"]
    assert html.count('<div class="cut">') == 2
    assert "骑缝" in html
    assert "dashed" in html


def test_print_css_leaves_browsers_no_room_for_header_and_footer() -> None:
    html = render_letter_html(sample_letter())
    assert re.search(r"@page\s*{\s*size:\s*A4[^}]*margin:\s*0;", html)
    assert "@top" not in html and "@bottom" not in html
    assert not re.search(r"https?://", html)  # nothing fetched from outside


def test_cross_province_letter_names_province_and_address() -> None:
    html = render_letter_html(sample_letter())
    assert "湖北省中共武汉市洪山区某某社区委员会" in html
    assert "接收党组织通讯地址：湖北省武汉市洪山区珞喻路1号" in html


def test_letter_within_the_province_has_no_address_line() -> None:
    html = render_letter_html(sample_letter(to_province=None, to_address=None,
                                            to_org_name="中共湘潭市雨湖区委组织部"))
    assert "由<span class=\"f\">中共长沙市岳麓区某某街道第一党支部委员会</span>去" \
           "<span class=\"f\">中共湘潭市雨湖区委组织部</span>" in html
    assert "通讯地址" not in html


def test_sealed_copy_of_the_application_is_printed() -> None:
    html = render_letter_html(sample_letter(archive_handling="sealed_copy",
                                            category="probationary"))
    assert "《入党志愿书》复印件加盖公章密封后随转" in html
    assert "预备党员" in html


def test_text_is_escaped() -> None:
    html = render_letter_html(sample_letter(member_name="<b>张三</b>"))
    assert "<b>张三</b>" not in html and "&lt;b&gt;张三&lt;/b&gt;" in html


def test_member_form_has_every_kept_field() -> None:
    html = render_member_form_html(sample_form())
    for text in ("党员基本信息采集表", "张三", "男", "汉族", "1990年1月1日", ID_NUMBER,
                 "正式党员", "2015年7月1日", "2016年7月1日", "某某街道第一党支部委员会",
                 "2026年11月", "13812345678", "〔2026〕第 12 号", "2026年11月26日"):
        assert text in html, text
    assert 'class="seal"' in html
    assert re.search(r"@page\s*{\s*size:\s*A4[^}]*margin:\s*0;", html)


def test_member_form_leaves_unknown_fields_blank() -> None:
    html = render_member_form_html(sample_form(full_member_on=None, phone=None))
    assert "<th>转正日期</th><td></td>" in html
    assert "<th>联系电话</th><td></td>" in html
    assert "None" not in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"validity_days": 91}, "validity_days"),
        ({"validity_days": 0}, "validity_days"),
        ({"dues_paid_until": "2026-13"}, "dues_paid_until"),
        ({"dues_paid_until": "2026/11"}, "dues_paid_until"),
        ({"category": "candidate"}, "category"),
        ({"archive_handling": "lost"}, "archive_handling"),
        ({"id_number": "4301021990"}, "id_number"),
        ({"serial_number": 0}, "serial_number"),
        ({"member_name": " "}, "member_name"),
        ({"from_org_name": "某" * 31}, "from_org_name is longer than 30"),
        ({"age": 0}, "age"),
    ],
)
def test_letter_data_is_checked(changes: dict[str, object], message: str) -> None:
    with pytest.raises(LetterDataError, match=message):
        sample_letter(**changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"category": "x"}, "category"),
        ({"joined_on": date(1980, 1, 1)}, "joined_on"),
        ({"dues_paid_until": "11-2026"}, "dues_paid_until"),
        ({"address": "址" * 61}, "address"),
    ],
)
def test_member_form_data_is_checked(changes: dict[str, object], message: str) -> None:
    with pytest.raises(LetterDataError, match=message):
        sample_form(**changes)


def test_serial_format_and_age() -> None:
    assert format_serial(2026, 12) == "〔2026〕第 12 号"
    assert sample_letter(serial_number=7, year=2027).serial == "〔2027〕第 7 号"
    with pytest.raises(LetterDataError):
        format_serial(2026, 0)
    assert age_on(date(1990, 11, 26), date(2026, 11, 26)) == 36
    assert age_on(date(1990, 11, 27), date(2026, 11, 26)) == 35
    assert age_on(date(2000, 2, 29), date(2026, 2, 28)) == 25
