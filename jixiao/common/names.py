"""How a project is named with its year, in the report, the sentences, file names and pages.

Offices often name a project after its year already ("2023年残疾人两项补贴"); putting the year in
front again would print "2023年度2023年…". One rule, used everywhere a project is named.
"""

from __future__ import annotations

import re
import unicodedata


def begins_with_year(name: str, year: int | str) -> bool:
    """Whether ``name`` starts with ``year`` followed by 年 (so also 年度), in half- or full-width
    digits ("２０２３年" is the same year)."""
    # NFKC turns full-width digits into ASCII ones and leaves 年 alone.
    plain = unicodedata.normalize("NFKC", name).lstrip()
    return re.match(rf"{re.escape(str(year))}\s*年", plain) is not None


def name_with_year(name: str, year: int | str, *, word: str = "年") -> str:
    """'2023年残疾人两项补贴': the year (and ``word``, e.g. 年度) before the name, unless the name
    already begins with that year, in which case the name is printed as the user wrote it."""
    return name if begins_with_year(name, year) else f"{year}{word}{name}"
