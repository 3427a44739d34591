"""Personal data: masking 公民身份号码 and phone numbers in data, screens and log lines.

:class:`MaskingFilter` is installed on the root logger's handlers by :func:`install` (the
web application and the command line call it), so no log record leaves the process with a
full 公民身份号码 (18 characters with a valid check digit) or an 11-digit mobile number,
whoever wrote the line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from app.org.idnumber import check_digit, mask

# 18 characters not embedded in a longer run of digits; the check digit decides
_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{16}[\dXx])(?![0-9A-Za-z])")
# mainland mobile numbers: 1[3-9] and 9 more digits, not inside a longer number
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
PHONE_KEYS = frozenset({"phone", "contact_phone", "mobile", "telephone"})
ID_KEYS = frozenset({"id_number"})


def is_id_number(text: str) -> bool:
    """Whether *text* is 17 digits and the right check digit (the date is not checked:
    a masked log line costs nothing, a leaked number does)."""
    return len(text) == 18 and text[:17].isdigit() and check_digit(text[:17]) == text[17].upper()


def mask_phone(value: str | None) -> str:
    """138****5678; short values are hidden entirely."""
    if not value:
        return ""
    digits = value.strip()
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"


def mask_id(value: str | None) -> str:
    """4301**********1234."""
    return mask(value) if value else ""


def mask_text(text: str) -> str:
    """*text* with every valid 公民身份号码 and mobile number in it masked."""
    if len(text) < 11:
        return text

    def _id(match: re.Match[str]) -> str:
        number = match.group(1)
        return mask(number) if is_id_number(number) else number

    masked = _ID_CANDIDATE.sub(_id, text)
    return _MOBILE.sub(lambda m: mask_phone(m.group(1)), masked)


def mask_personal(value: Any) -> Any:
    """A copy of JSON-like *value* with id numbers and phones masked (by key and by shape)."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in ID_KEYS and isinstance(item, str):
                out[key] = mask_id(item)
            elif key in PHONE_KEYS and isinstance(item, str):
                out[key] = mask_phone(item)
            else:
                out[key] = mask_personal(item)
        return out
    if isinstance(value, list | tuple):
        return [mask_personal(item) for item in value]
    if isinstance(value, str):
        return mask_text(value)
    return value


class MaskingFilter(logging.Filter):
    """Rewrites each record's message (and its traceback text) with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logging module's to report
            return True
        masked = mask_text(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


_FILTER = MaskingFilter()


def _masking_factory(create: Any) -> Any:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = create(*args, **kwargs)
        _FILTER.filter(record)
        return record

    factory.zhuanjie_masking = True  # type: ignore[attr-defined]
    return factory


def install() -> MaskingFilter:
    """Mask every log record of the process, whichever logger or handler it goes to.

    The filter runs when a record is made (the record factory), so handlers added later —
    a file handler, pytest's capture — only ever see masked text; it also sits on the root
    logger's current handlers, for records made by a factory installed after this one.
    """
    current = logging.getLogRecordFactory()
    if not getattr(current, "zhuanjie_masking", False):
        logging.setLogRecordFactory(_masking_factory(current))
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    return _FILTER
