"""Refusals of the services, said in Chinese on the pages (and tied to a field when they
concern one).

The services and the routing rules refuse in English for the logs and the command line,
naming the article of the measures. The start pages show the known refusals in the formal
Chinese of UI.md; an unknown one is shown as it is, so no refusal is ever hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.errors import ZhuanjieError


@dataclass(frozen=True)
class Said:
    """A refusal as the page shows it: the message and the field it belongs to (if any)."""

    message: str
    field: str | None = None


KNOWN: list[tuple[str, str, str | None]] = [
    (r"member (\S+) already has an open case (\S+)",
     "该党员已有正在办理的转接案件 {2}，办结前不能再次申请。", "member"),
    (r"member (\S+) is not an active member here",
     "该党员不是本支部的在册党员，不能申请转接。", "member"),
    (r"no member '(.+)'", "未找到该党员。", "member"),
    (r"may start member transfer only for their own organisation",
     "只能为本党支部的党员申请转接。", "member"),
    (r"(\S+) lies in a unit locked by the whole-unit transfer (\S+)",
     "{1} 所在单位正在办理整建制转接（案件 {2}），办结前不能转出或转入党员（第六条）。", None),
    (r"no organisation with code '(.+)' \((\w+)\)", "未找到编码为 {1} 的党组织。", "{2}"),
    (r"the source and the target are the same branch",
     "转入党支部与党员现所在党支部相同（第九条）。", "target_branch"),
    (r"(\S+) must be a branch; (\S+) is a",
     "“{2}”不是党支部，请选择党支部。", "target_branch"),
    (r"are in different provinces",
     "转入党组织不在本省：省外转接请选择“转出省外”（第十条）。", "target_branch"),
    (r"the letter expired on (\d{4})-0?(\d{1,2})-0?(\d{1,2})",
     "介绍信已于{1}年{2}月{3}日过期，不予登记（第十条）。", "issued_on"),
    (r"a member with this 公民身份号码 is already on record",
     "该公民身份号码的党员已在本系统登记，不能重复登记。", "member.id_number"),
    (r"must be addressed to an organisation",
     "省外转入的介绍信须开具给具有全国转接权限的党组织，由该党组织登记（第四条、第十条）。",
     None),
    (r"case (\S+) is still open inside (\S+)",
     "该单位内仍有正在办理的转接案件 {1}，请办结后再申请整建制转接（第六条）。", "unit"),
    (r"only a committee, general branch or branch moves",
     "只有党委、党总支、党支部可以整建制转接（第六条）。", "unit"),
    (r"has no parent to move from", "该单位没有上级党组织，不能整建制转接。", "unit"),
    (r"cannot move into its own subtree", "不能转入本单位的下级党组织（第六条）。", "new_parent"),
    (r"is already under", "该单位已隶属于所选党组织。", "new_parent"),
    (r"cannot be the parent of", "所选党组织不能作为该单位的上级党组织（第六条）。",
     "new_parent"),
    (r"have no common department", "两个党组织没有共同的组织部门，无法确定办理机关（第六条）。",
     "new_parent"),
    (r"may start whole unit only for their own organisation",
     "只有该单位的上级党组织可以申请整建制转接（第六条）。", "unit"),
    (r"may not register incoming", "只有经办人可以登记省外转入的介绍信。", None),
    (r"may not start member transfer", "只有党支部书记（组织委员）可以申请转接。", None),
    (r"may not start whole unit", "只有经办人可以申请整建制转接。", None),
    (r"no organisation above (\S+) can transfer its members",
     "{1} 的上级党组织中没有可以办理转接的党组织（第八条）。", None),
]


# messages beside fields that the checks word partly in English (app.org.idnumber)
FIELD_MESSAGES: list[tuple[str, str]] = [
    (r"must be 17 digits and a digit or X",
     "公民身份号码无效：应为18位，前17位为数字，末位为数字或X"),
    (r"holds no valid birth date", "公民身份号码无效：其中的出生日期不存在"),
    (r"has a wrong check digit", "公民身份号码无效：校验码不正确，请逐位核对"),
]


def say_fields(fields: dict[str, str]) -> dict[str, str]:
    """The field messages of an InvalidData, in Chinese."""
    said = {}
    for name, message in fields.items():
        for pattern, chinese in FIELD_MESSAGES:
            if re.search(pattern, message):
                message = chinese
                break
        said[name] = message
    return said


def say(exc: ZhuanjieError) -> Said:
    """*exc* in Chinese, with its field when it concerns one."""
    text = str(exc)
    for pattern, message, field in KNOWN:
        found = re.search(pattern, text)
        if found:
            return Said(_fill(message, found), _fill(field, found) if field else None)
    return Said(f"未能办理：{text}")


def _fill(template: str, found: re.Match[str]) -> str:
    return re.sub(r"\{(\d)\}", lambda m: found.group(int(m.group(1))) or "", template)
