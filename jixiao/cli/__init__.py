"""The ``jixiao`` command: every batch job of the system, one module per command group.

Exit status: 0 success, 1 invalid input (every problem printed with sheet, row and column),
2 a file or setting that cannot be used at all.
"""

from __future__ import annotations

import argparse

from jixiao.cli import accounts, audit, compare, cycle, evaluation, jobs, regions, registry, synth, system
from jixiao.common.private import use_private_umask

# Each module adds its sub-commands; the order is the order of `jixiao --help`.
COMMAND_GROUPS = (evaluation, system, jobs, accounts, synth, registry, compare, cycle, regions, audit)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jixiao", description="绩效：专项资金绩效评价与自评报告")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    use_private_umask()  # before anything is written: files 0600, folders 0700 (jixiao.common.private)
    args = build_parser().parse_args(argv)
    return args.func(args)
