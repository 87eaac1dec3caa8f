"""`jixiao import registry FILE` runs the import job's function in its own process and shows its
progress: a one-line bar (rows/total, percent) on a terminal, plain lines otherwise."""

from __future__ import annotations

import io
import re

import pytest

from jixiao.cli import main
from jixiao.jobs.models import Job
from jixiao.registry.models import Person
from jixiao.registry.synth import write_registry

pytestmark = pytest.mark.django_db
ROWS = 25_000  # three chunks of the reader (10,000 rows each)


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def registry_file(tmp_path):
    return write_registry(tmp_path / "名册.csv", ROWS, 7)


def test_plain_lines_when_not_a_terminal(registry_file, capsys):
    assert main(["import", "registry", str(registry_file)]) == 0
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert [int(re.match(r"导入名册：已处理 (\d+)", line).group(1)) for line in lines] == [10000, 20000, 25000, 25000]
    assert lines[-1] == f"导入名册：已处理 {ROWS} / {ROWS} 行（100%）"
    assert "\r" not in err
    assert out.startswith(f"导入名册.csv：共 {ROWS} 行，新增 {ROWS}，")
    assert Person.objects.count() == ROWS
    assert not Job.objects.exists()  # run in the command's process: no queued job, no worker


def test_bar_on_a_terminal(registry_file, monkeypatch, capsys):
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["import", "registry", str(registry_file), "--dry-run"]) == 0
    shown = terminal.getvalue()
    frames = shown.split("\r")[1:]
    assert frames[-1].startswith("校验名册 [") and frames[-1].endswith(f"] {ROWS}/{ROWS} 行 100%\x1b[K\n")
    assert re.fullmatch(r"校验名册 \[█*░*\] 10000/\d+ 行 +\d+%\x1b\[K", frames[0])
    assert shown.count("\n") == 1  # redrawn in place, one line in all
    assert "仅校验" in capsys.readouterr().out and Person.objects.count() == 0


def test_unreadable_file_exit_2(tmp_path, capsys):
    bad = tmp_path / "坏.csv"
    bad.write_text("姓名\n张三\n", encoding="utf-8")
    assert main(["import", "registry", str(bad)]) == 2
    assert "无法导入" in capsys.readouterr().err
