"""Problems found in user input, located precisely enough to fix them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # spreadsheet row number as Excel shows it (header = 1)
    column: str | None  # column header as the user sees it
    message: str
    file: str = ""

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        where.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”列")
        return f"{'，'.join(where)}：{self.message}"


class InputInvalid(Exception):
    """Raised with every problem found; nothing has been written when it is raised."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
