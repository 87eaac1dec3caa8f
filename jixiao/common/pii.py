"""Personal data (resident ID, phone and card numbers) masked for display and kept out of logs."""

from __future__ import annotations

import logging
import re

# Certificate numbers (ID + 2 digits), 18-digit IDs (last may be X), 15-digit first-generation IDs and
# mainland mobile numbers, each only as a whole run of digits.
_CERTIFICATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx]\d{2}(?!\d)")  # ID + category + level digits
_ID_18 = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?!\d)")
_ID_15 = re.compile(r"(?<!\d)(\d{6})(\d{6})(\d{3})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
# Bank card numbers of 16–19 digits (nearly all; 12–15 digits would also take region codes and counts), after the IDs.
_CARD = re.compile(r"(?<![0-9A-Za-z])\d{16,19}(?![0-9A-Za-z])")


def mask_resident_id(value: str) -> str:
    """5301**********1234: the first four and the last four characters stay."""
    value = (value or "").strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_card_number(value: str) -> str:
    """A bank or social security card number masked like a resident ID: 6222***********1234 (the first and the
    last four stay, as ``mask_resident_id`` keeps them) for the usual 16–19 digits. A shorter number keeps a
    quarter of its length at each end (a 12-digit account 622******789, a 9-character social security card
    A1*****78), so that at least half of it is always hidden — the ID rule would show 8 of 9 characters."""
    value = (value or "").strip()
    if len(value) <= 8:  # as short as that it is no card number of the registry's: hide it all, as IDs
        return "*" * len(value)
    keep = min(4, len(value) // 4)
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def mask_phone(value: str) -> str:
    """138****5678."""
    value = (value or "").strip()
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_text(text: str) -> str:
    """Every ID, mobile or 16–19 digit card number inside free text, masked."""
    text = _CERTIFICATE.sub(lambda m: mask_resident_id(m.group(0)), text)
    text = _ID_18.sub(lambda m: mask_resident_id(m.group(0)), text)
    text = _ID_15.sub(lambda m: mask_resident_id(m.group(0)), text)
    text = _CARD.sub(lambda m: mask_card_number(m.group(0)), text)
    return _MOBILE.sub(lambda m: mask_phone(m.group(0)), text)


class MaskPersonalDataFilter(logging.Filter):
    """Logging filter: the formatted message (and any exception text) with personal numbers masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave the record to the handler's own error path
            return True
        record.msg, record.args = mask_text(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True
