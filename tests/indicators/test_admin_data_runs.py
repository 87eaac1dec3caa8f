"""What administrators keep in 系统管理 is what runs: the indicator templates (blank workbooks, the CLI,
uploads) and the grade scales (scoring, filters, the dashboard)."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from jixiao.common.problems import InputInvalid
from jixiao.indicators.models import GradeBand, GradeScale, IndicatorTemplate, TemplateNode
from jixiao.indicators.services import indicator_templates_sync_builtin
from jixiao.projects.models import Project
from jixiao.workbooks.services import workbook_read_for_store
from jixiao.workbooks.writer import write_workbook
from tests.factories import sample_project
from tests.workbooks.sheets import build_xlsx, load_sheets, set_info

pytestmark = pytest.mark.django_db


def _admin(world) -> Client:
    client = Client()
    client.force_login(world.users["admin"])
    return client


def _template_form(template, nodes, **changes):
    """The admin change form of a template as the browser posts it, with some node fields changed."""
    data = {"key": template.key, "name": template.name, "source": template.source,
            "nodes-TOTAL_FORMS": str(len(nodes)), "nodes-INITIAL_FORMS": str(len(nodes)),
            "nodes-MIN_NUM_FORMS": "0", "nodes-MAX_NUM_FORMS": "1000"}
    for i, n in enumerate(nodes):
        for field in ("position", "code", "parent_code", "name", "weight", "rule", "linked", "operator", "band",
                      "evidence_hint"):
            data[f"nodes-{i}-{field}"] = "" if getattr(n, field) is None else str(getattr(n, field))
        for field in ("target", "per_item"):
            value = getattr(n, field)
            data[f"nodes-{i}-{field}"] = "" if value is None else str(value)
        data[f"nodes-{i}-id"], data[f"nodes-{i}-template"] = str(n.pk), str(template.pk)
    data.update(changes)
    return data


def test_a_template_edited_in_admin_is_checked_kept_through_upgrades_and_used_by_blank_workbooks(world):
    client = _admin(world)
    template = IndicatorTemplate.objects.get(key="昆明ABC")
    nodes = list(TemplateNode.objects.filter(template=template).order_by("position"))
    url = f"/admin/indicators/indicatortemplate/{template.pk}/change/"
    broken = client.post(url, _template_form(template, nodes, **{"nodes-0-weight": "25"}))
    assert broken.status_code == 200 and "一级指标权重分合计为105" in broken.content.decode()
    assert TemplateNode.objects.get(pk=nodes[0].pk).weight == nodes[0].weight
    saved = client.post(url, _template_form(template, nodes, **{"nodes-1-name": "立项依据（本市口径）"}))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    template.refresh_from_db()
    assert template.customised is True
    indicator_templates_sync_builtin()  # what `jixiao serve` and `migrate` run at every start
    assert TemplateNode.objects.get(pk=nodes[1].pk).name == "立项依据（本市口径）"

    county = Client()
    county.force_login(world.users["county_yl"])
    IndicatorTemplate.objects.filter(pk=template.pk).update(name="昆明市指标体系（本市口径）")
    page = county.get("/projects/upload/").content.decode()
    offered = re.findall(r"下载预填“([^”]+)”指标体系的模板", page)
    assert offered == ["昆明市指标体系（本市口径）", IndicatorTemplate.objects.get(key="财预2020-10").name]
    response = county.get("/projects/template.xlsx", {"indicators": "昆明ABC"})
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))) \
        .get_sheet_by_name("指标评分").to_python()
    assert rows[2][:3] == [nodes[1].code, nodes[1].parent_code, "立项依据（本市口径）"]
    assert county.get("/projects/template.xlsx", {"indicators": "不存在"}).status_code == 404


def test_an_unedited_builtin_template_is_refreshed_by_an_upgrade():
    template = IndicatorTemplate.objects.get(key="昆明ABC")
    node = TemplateNode.objects.filter(template=template).order_by("position")[1]
    shipped_name = node.name
    TemplateNode.objects.filter(pk=node.pk).update(name="过时的名称")
    indicator_templates_sync_builtin()
    assert TemplateNode.objects.get(template=template, code=node.code).name == shipped_name


def test_uploads_name_a_known_template_and_an_empty_tree_starts_from_it(tmp_path):
    path = tmp_path / "p.xlsx"
    write_workbook(path, sample_project())
    sheets = load_sheets(path)
    set_info(sheets, "指标体系模板", "不存在的模板")
    build_xlsx(path, sheets)
    with pytest.raises(InputInvalid) as exc:
        workbook_read_for_store(path)
    assert [p.column for p in exc.value.problems] == ["内容"]
    assert "未知的指标体系模板“不存在的模板”" in exc.value.problems[0].message

    sheets = load_sheets(path)
    set_info(sheets, "指标体系模板", "昆明ABC")
    sheets["指标评分"] = sheets["指标评分"][:1]  # header only
    build_xlsx(path, sheets)
    project = workbook_read_for_store(path)
    assert [r.code for r in project.indicators] == list(
        TemplateNode.objects.filter(template__key="昆明ABC").order_by("position").values_list("code", flat=True))


def test_grade_names_come_from_the_scales_kept_in_admin(world, tmp_path, monkeypatch):
    scale = GradeScale.objects.get(is_default=True)
    GradeBand.objects.filter(scale=scale, grade="优").update(grade="优秀")
    monkeypatch.setattr("jixiao.workbooks.writer._grade_scale_text", lambda scale: "")  # 等级阈值 left blank
    path = tmp_path / "p.xlsx"
    write_workbook(path, sample_project(name="等级名称项目", region_code="530125", region_name="宜良县"))
    upload = io.BytesIO(path.read_bytes())
    upload.name = "p.xlsx"
    county = Client()
    county.force_login(world.users["county_yl"])
    assert county.post("/projects/upload/", {"file": upload}).status_code == 302
    assert Project.objects.get(name="等级名称项目").current_evaluation.grade == "优秀"
    listing = county.get("/projects/").content.decode()
    # the kept scale's grades best first, then 优 — still carried by the projects stored before the rename
    offered = re.findall(r'<option value="([^"]+)">[^<]+</option>', listing.split('name="grade"')[1].split("</select>")[0])
    assert offered == ["优秀", "良", "中", "差", "优"]
    filtered = county.get("/projects/", {"grade": "优秀"}).content.decode()
    assert filtered.count('data-project="') == 1
    dashboard = county.get("/").content.decode()
    chart = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', dashboard).group(1))
    assert chart["grades"] == [{"name": "优秀", "value": 1}, {"name": "良", "value": 0}, {"name": "中", "value": 0},
                               {"name": "差", "value": 0}, {"name": "优", "value": 3}]
    assert Decimal(scale.bands.get(grade="优秀").lower_bound) == 90
