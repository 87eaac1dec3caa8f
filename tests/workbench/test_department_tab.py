"""The workbench's 部门项目 tab: a department-level workbook uploaded through the page shows the
project-group table (预算 / 支出, each total and own-level, 调指标 noted), its 合计, the 工作经费 / 专项经费
split and the 民生实事 tasks with their completion rates, as the report prints them; other projects have
no such tab."""

import io
import re

import pytest
from django.test import Client
from docx import Document

from jixiao.demo.seeds import load_seed
from jixiao.projects.models import Project
from jixiao.workbooks.writer import write_workbook

pytestmark = pytest.mark.django_db


def test_upload_seed_004_and_see_its_groups(world, tmp_path):
    client = Client()
    client.force_login(world.users["admin"])
    seed = load_seed("004")
    seed.region_code = "530102"  # 开福区 is not in the shipped tree (demo.seeds.NOT_STORED)
    path = tmp_path / "部门.xlsx"
    write_workbook(path, seed)
    upload = io.BytesIO(path.read_bytes())
    upload.name = "部门.xlsx"
    response = client.post("/projects/upload/", {"file": upload})
    project = Project.objects.get(owner_unit__name="长沙市开福区残疾人联合会")
    assert response.status_code == 302 and response.url == f"/projects/{project.pk}/"
    assert project.project_groups.count() == 5 and project.livelihood_tasks.count() == 2
    page = client.get(response.url).content.decode()
    assert "tab/department/" in page and "tab/programmes/" not in page
    tab = client.get(f"/projects/{project.pk}/tab/department/", HTTP_HX_REQUEST="true").content.decode()
    rows = re.findall(r'<tr><td>(\d)</td><td>([^<]+)</td><td>部门专项</td><td>(\w+)</td><td class="num">([\d.]+)</td>\s*'
                      r'<td class="num">([\d.]+)</td><td class="num">([^<]+)</td><td class="num">([^<]+)</td>', tab)
    assert rows == [
        ("1", "残疾人工作经费", "工作经费", "97", "97", "82.8", "82.8"),
        ("2", "残疾人康复项目（含彩票公益金）", "专项经费", "280", "280", "522.59", "173.55"),
        ("3", "残疾人托养、就业项目", "专项经费", "213", "213", "542.733", "209.1"),
        ("4", "残疾人小秘书项目", "专项经费", "145.18", "145.18", "140.68", "140.68"),
        ("5", "其他残疾人事业", "专项经费", "242.4", "242.4", "328.187（含调指标23.075万元）", "223.945（含调指标23.075万元）"),
    ]
    assert ('<th>合计</th><th></th><th></th><th class="num">977.58</th><th class="num">977.58</th>'
            '<th class="num">1616.99</th><th class="num">830.075</th>') in tab
    assert '其中：工作经费</td><td></td><td></td><td></td><td></td><td class="num">82.8</td>' in tab
    assert '其中：专项经费</td><td></td><td></td><td></td><td></td><td class="num">1534.19</td>' in tab
    assert '<td class="num">90</td><td class="num">99</td><td>户</td><td class="num">110.00%</td>' in tab
    assert '<td class="num">180</td><td class="num">205</td><td>人</td><td class="num">113.89%</td>' in tab
    # the downloaded report is the department-level one, from the stored figures
    docx = client.get(f"/projects/{project.pk}/report.docx")
    assert docx.status_code == 200
    texts = [p.text for p in Document(io.BytesIO(b"".join(docx.streaming_content) if docx.streaming else docx.content))
             .paragraphs]
    assert "（一）项目支出资金概况" in texts and "五、其他需要说明的问题" in texts


def test_projects_without_groups_have_no_department_tab(world):
    client = Client()
    client.force_login(world.users["admin"])
    project = world.projects["kunming"]
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "tab/department/" not in page
    tab = client.get(f"/projects/{project.pk}/tab/department/", HTTP_HX_REQUEST="true").content.decode()
    assert "本项目不是部门整体项目。" in tab
