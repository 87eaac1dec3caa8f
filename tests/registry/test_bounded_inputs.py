"""A registry file beyond the limits is refused before anything parses it (FileUnreadable, exit 2): an
.xlsx by its size, its uncompressed size and its first sheet's extent; .csv and .xls by their size."""

from __future__ import annotations

import dataclasses

import pytest

from jixiao.cli import main
from jixiao.registry.importer import registry_import
from jixiao.registry.models import Person
from jixiao.registry.sources import FileUnreadable
from tests.bombs import far_cell_xlsx, inflating_xlsx
from tests.registry.rows import TODAY, make_id, row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_calamine(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("calamine was asked to parse a file that should have been refused")

    import python_calamine

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)


def refused(path) -> str:
    with pytest.raises(FileUnreadable) as caught:
        registry_import(path, today=TODAY, actor=None, parallel=False)
    assert Person.objects.count() == 0
    return str(caught.value)


def test_a_sheet_reaching_far_right_is_refused(tmp_path, no_calamine):
    message = refused(far_cell_xlsx(tmp_path / "名册.xlsx", sheet="名册", row=3_000, column=99))
    assert message == ("“名册.xlsx”工作表“名册”：超过每张工作表 64 列的上限（内容至少延伸到第 100 列，即 CV 列）；"
                       "请删除多余的列")


def test_rows_and_cells_limits_from_settings(tmp_path, settings, no_calamine):
    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, registry_max_rows=100)
    assert "超过每张工作表 100 行的上限" in refused(far_cell_xlsx(tmp_path / "行.xlsx", sheet="名册", row=101))
    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, registry_max_cells=1_000)
    assert "超过 1,000 个单元格的上限" in refused(far_cell_xlsx(tmp_path / "格.xlsx", sheet="名册", row=90, column=19))


def test_a_zip_bomb_is_refused(tmp_path, no_calamine):
    assert "压缩比为" in refused(inflating_xlsx(tmp_path / "炸弹.xlsx", inflated_mb=60, sheet="名册"))


def test_csv_and_xls_by_their_size(tmp_path, settings):
    path = write_csv(tmp_path / "名册.csv", [row(身份证号=make_id(seq=f"{600 + i}")) for i in range(50)])
    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, registry_max_bytes=2_048)
    assert refused(path).startswith("“名册.csv”：名册文件有 ") and "超过 2 KB 的上限" in refused(path)
    xls = tmp_path / "名册.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 4_000)
    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, registry_max_bytes=1 << 30,
                                                 registry_xls_max_bytes=3_000)
    assert "超过 3 KB 的上限" in refused(xls)
    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, registry_xls_max_bytes=1 << 20)
    assert registry_import(path, today=TODAY, actor=None, parallel=False).created == 50


def test_the_command_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("jixiao.bootstrap.setup_django", lambda migrate=False: None)
    path = far_cell_xlsx(tmp_path / "名册.xlsx", sheet="名册", row=3_000, column=99)
    assert main(["import", "registry", str(path)]) == 2
    assert "无法导入：“名册.xlsx”工作表“名册”：超过每张工作表 64 列的上限" in capsys.readouterr().err


def test_the_registry_file_read_is_bounded_in_the_reader_process_too(tmp_path):
    """The parallel reader (pipeline worker) opens the file through the same bounded path."""
    assert "64 列的上限" in str(pytest.raises(FileUnreadable, registry_import,
                                              far_cell_xlsx(tmp_path / "并行.xlsx", sheet="名册", row=10, column=99),
                                              actor=None, today=TODAY).value)


def test_the_web_import_refuses_an_oversized_upload_before_saving_it(world, tmp_path, settings):
    from django.test import Client

    from jixiao.jobs.models import Job
    from jixiao.jobs.storage import jobs_root

    client = Client()
    client.force_login(world.users["county_yl"])
    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, registry_max_bytes=1_024)
    path = write_csv(tmp_path / "大名册.csv", [row(身份证号=make_id(seq=f"{700 + i}")) for i in range(30)])
    imports = jobs_root()
    before = set(imports.iterdir()) if imports.is_dir() else set()
    with path.open("rb") as handle:
        response = client.post("/registry/import/", {"file": handle})
    assert response.status_code == 400 and "“大名册.csv”超过 1 KB 的上限" in response.content.decode()
    assert (set(imports.iterdir()) if imports.is_dir() else set()) == before  # nothing saved …
    assert Job.objects.count() == 0  # … and no job started
