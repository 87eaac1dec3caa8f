"""Problems found in user input, located precisely enough to fix them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # spreadsheet row number as Excel shows it (header = 1)
    column: str | None  # column header as the user sees it
    message: str
    file: str = ""

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”列")
        return f"{'，'.join(where)}：{self.message}" if where else self.message


def problems_listed_limit() -> int:
    from jixiao.common.limits import current_limits

    return max(1, current_limits().problems_max_listed)


class InputInvalid(Exception):
    """Raised with every problem found; nothing has been written when it is raised.

    At most ``problems_max_listed`` problems are kept in full (``problems``); the rest are only counted,
    per sheet and column (``omitted``), so a damaged file cannot make a list of millions."""

    def __init__(self, problems: list[Problem], omitted: Counter | dict | None = None, *, limit: int | None = None):
        problems = list(problems)
        limit = problems_listed_limit() if limit is None else max(1, limit)
        self.omitted: Counter = Counter(omitted or {})
        for problem in problems[limit:]:
            self.omitted[(problem.sheet, problem.column or "")] += 1
        self.problems = problems[:limit]
        super().__init__("\n".join([*(str(p) for p in self.problems), *self.omitted_lines()]))

    @property
    def omitted_count(self) -> int:
        return sum(self.omitted.values())

    @property
    def total(self) -> int:
        return len(self.problems) + self.omitted_count

    def naming(self, file: str, *, replacing: tuple[str, ...] = ()) -> InputInvalid:
        """The same problems (same class), each naming ``file`` where it named no file or one of ``replacing``:
        problems found while scoring know no file, and an upload is read from a copy under another name."""
        named = [replace(p, file=file) if not p.file or p.file in replacing else p for p in self.problems]
        return type(self)(named, self.omitted, limit=max(1, len(named)))

    def omitted_problems(self) -> list[Problem]:
        """One summary per sheet and column of the problems not listed, the most frequent first."""
        file = self.problems[0].file if self.problems else ""
        groups = sorted(self.omitted.items(), key=lambda item: (-item[1], item[0]))
        return [Problem(sheet, None, column or None, f"另有 {count:,} 个问题未列出", file)
                for (sheet, column), count in groups]

    def omitted_lines(self) -> list[str]:
        if not self.omitted:
            return []
        head = f"另有 {self.omitted_count:,} 个问题未列出（只列出前 {len(self.problems):,} 个），按工作表和列计："
        return [head, *(f"  {p}" for p in self.omitted_problems())]


class InputUnreadable(InputInvalid):
    """The file cannot be read at all (not a workbook, damaged, encrypted, too large): one problem saying
    why. The command line exits 2 for it (1 for problems in the content); pages and the API answer 400."""
