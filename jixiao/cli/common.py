"""What the commands share beside set-up (``jixiao.bootstrap``): the printing of input problems."""

from __future__ import annotations

import sys


def print_problems(exc) -> None:
    """Every listed problem, then (when there were more than the listing limit) the counts of the rest."""
    print(f"发现 {exc.total} 个问题，未生成任何文件，也未写入数据库：", file=sys.stderr)
    for problem in exc.problems:
        print(f"  - {problem}", file=sys.stderr)
    for line in exc.omitted_lines():
        print(f"  {line}", file=sys.stderr)
