"""Job kinds for the tests (registered only while a test runs) and users to own jobs."""

from __future__ import annotations

import pytest

from jixiao.accounts.roles import Role
from jixiao.accounts.services import user_create
from jixiao.jobs import kinds
from jixiao.jobs.kinds import JobFailed
from jixiao.jobs.models import Job
from jixiao.regions.models import Region

SEEN: dict = {}


def count_run(context) -> dict:
    """Counts to params["n"], reporting each step; keeps one result file; notes what it saw of its job."""
    SEEN["status_inside"] = Job.objects.get(pk=context.job.pk).status
    SEEN["input"] = context.input("数据.txt").read_bytes()
    n = context.params["n"]
    for i in range(1, n + 1):
        context.progress(i, n, f"第 {i} 步")
        context.check_cancelled()
        if i == context.params.get("cancel_at"):
            SEEN["on_cancel"]()
    path = context.result_path("结果.csv")
    path.write_text("序号\n" + "".join(f"{i}\n" for i in range(1, n + 1)), encoding="utf-8")
    context.add_file(path, "结果（csv）")
    return {"summary": f"数到 {n}", "figures": {"步数": n}}


def refuse_run(context) -> dict:
    raise JobFailed("测试：输入不能用", result={"exit": 2})


def crash_run(context) -> dict:
    raise ValueError("身份证号 530125198001011234 之类的细节不应出现在任务说明里")


@pytest.fixture
def test_kinds():
    SEEN.clear()
    kinds.register("test.count", label="测试计数", run=count_run, title=lambda p: f"数到 {p['n']}",
                   interrupted_note="测试任务没有写入任何数据。")
    kinds.register("test.refuse", label="测试拒绝", run=refuse_run)
    kinds.register("test.crash", label="测试出错", run=crash_run)
    yield SEEN
    for kind in ("test.count", "test.refuse", "test.crash"):
        kinds.unregister(kind)


@pytest.fixture
def users():
    yiliang, fumin = Region.objects.get(code="530125"), Region.objects.get(code="530124")
    return {
        "owner": user_create(actor=None, username="owner", password="pw", role=Role.COUNTY, region=yiliang,
                             check_password=False),
        "other": user_create(actor=None, username="other", password="pw", role=Role.COUNTY, region=fumin,
                             check_password=False),
        "admin": user_create(actor=None, username="boss", password="pw", role=Role.ADMIN, check_password=False),
    }


