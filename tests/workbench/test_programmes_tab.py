"""The workbench's 子项目 tab: a multi-programme workbook uploaded through the page shows each
programme's sources, 合计, spending and 结余 as the report prints them; other projects have no such tab."""

import io
import re

import pytest
from django.test import Client
from docx import Document

from jixiao.demo.seeds import load_seed
from jixiao.projects.models import Project
from jixiao.workbooks.writer import write_workbook

pytestmark = pytest.mark.django_db


def test_upload_seed_003_and_see_its_programmes(world, tmp_path):
    client = Client()
    client.force_login(world.users["admin"])
    path = tmp_path / "呈贡.xlsx"
    write_workbook(path, load_seed("003"))
    upload = io.BytesIO(path.read_bytes())
    upload.name = "呈贡.xlsx"
    response = client.post("/projects/upload/", {"file": upload})
    project = Project.objects.get(owner_unit__name="昆明市呈贡区民政局")
    assert response.status_code == 302 and response.url == f"/projects/{project.pk}/"
    assert project.programmes.count() == 5
    page = client.get(response.url).content.decode()
    assert re.search(r'id="project-total">93.00<', page)
    assert "tab/programmes/" in page
    tab = client.get(f"/projects/{project.pk}/tab/programmes/", HTTP_HX_REQUEST="true").content.decode()
    summary = re.findall(r'<tr><td>(\d)</td><td>([^<]+)</td><td class="num">([\d.]+)</td><td class="num">([\d.]+)</td>\s*'
                         r'<td class="num">([\d.]+)</td>', tab)
    assert summary == [
        ("1", "城市居民最低生活保障", "113.23", "70.32", "42.91"),
        ("2", "涉诉特困人员救助", "30", "30", "0"),
        ("3", "城乡临时救助", "28.09", "7.03", "21.06"),
        ("4", "特困人员供养", "20.7", "18.22", "2.48"),
        ("5", "六十年代精减退职职工生活补助", "4.3", "3.79", "0.51"),
    ]
    assert '<th>合计</th><th class="num">196.32</th><th class="num">129.36</th><th class="num">66.96</th>' in tab
    assert "<tr><td>上年结转</td><td class=\"num\">8.53</td>" in tab
    # the downloaded report is the multi-programme one, from the stored figures
    docx = client.get(f"/projects/{project.pk}/report.docx")
    assert docx.status_code == 200
    texts = [p.text for p in Document(io.BytesIO(b"".join(docx.streaming_content) if docx.streaming else docx.content))
             .paragraphs]
    assert "一、城市居民最低生活保障" in texts and "七、存在问题" in texts


def test_projects_without_programmes_have_no_programme_tab(world):
    client = Client()
    client.force_login(world.users["admin"])
    project = world.projects["kunming"]
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "tab/programmes/" not in page
    tab = client.get(f"/projects/{project.pk}/tab/programmes/", HTTP_HX_REQUEST="true").content.decode()
    assert "本项目没有子项目。" in tab
