"""Benchmark of report rendering: python -m bench.bench_report [--reps N] [--keep DIR]

A synthetic project the size of seed 002 (35 leaf indicators, 16 counties, a 9-question
survey, every narrative section filled) is scored once; then, each repeated:
- docx: ``render_report`` with the charts already drawn (template fill only);
- chain: figures → charts → docx → score sheet (everything after scoring except PDF);
- PDF: ``convert_to_pdf`` (private profile + font config) and, interleaved on the same docx,
  a bare ``soffice --headless --convert-to pdf`` with LibreOffice's default profile.
Goals: docx < 1 s; convert_to_pdf ≤ 1.2 × bare soffice (median against median).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import date
from decimal import Decimal as D
from pathlib import Path

from jixiao.reports.charts import report_charts
from jixiao.reports.docx_report import render_report
from jixiao.reports.pdf import convert_to_pdf, find_soffice
from jixiao.reports.scoresheet import write_score_sheet
from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import build_figures
from jixiao.scoring.inputs import (
    Allocation,
    Expenditure,
    FundSource,
    IndicatorRow,
    Interview,
    PolicyDocument,
    ProjectInput,
    Survey,
    SurveyQuestion,
    Target,
)
from jixiao.scoring.presets import PRESETS
from jixiao.workbooks.schema import NARRATIVE_KEYS

DOCX_GOAL_S = 1.0
PDF_RATIO_GOAL = 1.2
# Seed 002's sixteen county-level units and their allocations (万元, total 331).
COUNTIES = [
    ("五华区", "14"), ("盘龙区", "13"), ("官渡区", "11"), ("西山区", "13"), ("呈贡区", "5"), ("晋宁区", "17"),
    ("富民县", "13"), ("宜良县", "21"), ("石林县", "16"), ("嵩明县", "19"), ("禄劝县", "55"), ("寻甸县", "63"),
    ("东川区", "55"), ("安宁市", "8"), ("阳宗海", "6.5"), ("经开区", "1.5"),
]
# Seed 002's survey: question weight and answers A/B/C of 36 respondents.
SURVEY = [(20, 29, 7, 0), (10, 29, 5, 2), (10, 31, 3, 2), (10, 24, 11, 1), (10, 24, 12, 0),
          (10, 26, 10, 0), (10, 29, 6, 1), (10, 30, 6, 0), (10, 30, 5, 1)]
PARAGRAPH = ("市残联高度重视，充分认识开展本项工作的重要性和紧迫性，加强领导，精心部署，明确要求各县（市）区"
             "承担起领导职责，统筹规划和推进相关工作，细化实施方案，保障工作扎实推进。")


def _leaves(parent: str, count: int, weight: str, start: int = 1) -> list[IndicatorRow]:
    return [
        IndicatorRow(code=f"{parent}{i}", parent_code=parent, name=f"{parent}{i}评价要点", weight=D(weight),
                     rule="manual", manual_score=D(weight), evidence=f"经查阅资料，{parent}{i}评价要点符合要求")
        for i in range(start, start + count)
    ]


def _group(code: str, parent: str, name: str, weight: str) -> IndicatorRow:
    return IndicatorRow(code=code, parent_code=parent, name=name, weight=D(weight))


def large_indicators() -> list[IndicatorRow]:
    """3 / 8 / 17 / 35 indicators by level, as in seed 002 (weights 20 / 20 / 60)."""
    rows = [_group("A", "", "项目决策", "20"), _group("B", "", "项目管理", "20"), _group("C", "", "项目绩效", "60")]
    level2 = [("A1", "A", "项目立项", "10", 2), ("A2", "A", "绩效目标", "5", 2), ("A3", "A", "资金投入", "5", 2),
              ("B1", "B", "资金管理", "10", 2), ("B2", "B", "组织实施", "10", 2),
              ("C1", "C", "项目产出", "30", 3), ("C2", "C", "项目效益", "20", 2), ("C3", "C", "满意度", "10", 2)]
    for code, parent, name, weight, groups in level2:
        rows.append(_group(code, parent, name, weight))
        share = D(weight) / groups
        for g in range(1, groups + 1):
            rows.append(_group(f"{code}{g}", code, f"{name}{g}", str(share)))
    leaves = {"A11": 2, "A12": 2, "A21": 2, "A22": 1, "A31": 2, "A32": 1, "B11": 2, "B12": 2, "B21": 2,
              "B22": 2, "C11": 4, "C12": 4, "C13": 2, "C21": 2, "C22": 2, "C31": 2, "C32": 1}
    weights = {code: D(next(r.weight for r in rows if r.code == code)) for code in leaves}
    special = {
        "B111": dict(rule="computed_ratio", linked="资金到位率"),
        "B112": dict(rule="computed_ratio", linked="预算执行率"),
        "C111": dict(rule="ratio", linked="受益人数"),
        "C321": dict(rule="survey", linked="满意度"),
    }
    deductions = {"B211": "0.6", "B221": "0.8", "C121": "1", "C131": "1"}  # seed 002 lost 3.4 points
    for code, count in leaves.items():
        for leaf in _leaves(code, count, str(weights[code] / count)):
            if leaf.code in special:
                leaf.rule, leaf.manual_score = special[leaf.code]["rule"], None
                leaf.linked = special[leaf.code]["linked"]
            if leaf.code in deductions:
                leaf.manual_score -= D(deductions[leaf.code])
            rows.append(leaf)
    return rows


def large_project() -> ProjectInput:
    total = sum(D(amount) for _, amount in COUNTIES)
    return ProjectInput(
        name="残疾人服务状况和需求调查（对下）补助项目", year=2022, owner_unit="某市残疾人联合会",
        division="组联处", project_type="对下补助", region_code="530100", region_name="昆明市",
        evaluation_start=date(2023, 4, 21), evaluation_end=date(2023, 5, 20),
        report_unit="某市残疾人联合会", report_date=date(2023, 5, 20), beneficiary_target="受益人数",
        policies=[PolicyDocument("关于下达2022年残疾人服务状况和需求调查市级补助经费的通知", "某财社〔2022〕30号"),
                  PolicyDocument("全国持证残疾人基本状况调查实施方案")],
        fund_sources=[FundSource("市级", total, total)],
        allocations=[Allocation(name, "", D(amount), 10000 + 500 * i, 10100 + 500 * i)
                     for i, (name, amount) in enumerate(COUNTIES)],
        expenditures=[Expenditure("下拨各县区", total)],
        targets=[Target("产出-数量", "受益人数", "≥", D(215000), "人"),
                 Target("产出-质量", "登记信息差错率", "≤", D("0.5"), "%", actual=D("0.3")),
                 Target("效益-社会", "社会舆论环境", "定性", None, target_text="营造良好舆论环境", actual_text="已实现"),
                 Target("满意度", "满意度", "≥", D(85), "%", actual=D("97.61"))],
        indicators=large_indicators(),
        survey=Survey(title="残疾人服务状况和需求调查补助经费社会公众满意度调查问卷统计表",
                      coefficients=dict(PRESETS["昆明三档"]), preset="昆明三档",
                      questions=[SurveyQuestion(i, f"您对该项目第{i}方面工作的评价是：", D(w), {"A": a, "B": b, "C": c})
                                 for i, (w, a, b, c) in enumerate(SURVEY, 1)]),
        interviews=[Interview(topic, PARAGRAPH, f"访谈对象{i}", "项目管理人员", "座谈", date(2023, 5, i))
                    for i, topic in enumerate(("实施背景", "实施情况", "资金管理", "项目管理", "经验及做法"), 1)],
        narrative={key: "\n".join(f"（{n}）{PARAGRAPH}" for n in range(1, 4)) for key in NARRATIVE_KEYS},
    )


def _timed(fn, reps: int) -> list[float]:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def _bare_soffice(docx: Path, out_dir: Path) -> None:
    subprocess.run([find_soffice(), "--headless", "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)],
                   check=True, capture_output=True, timeout=300)


def _line(label: str, times: list[float]) -> str:
    return f"{label:<34} min {min(times):6.3f} s   median {statistics.median(times):6.3f} s   (n={len(times)})"


def run(reps: int, keep: Path | None) -> None:
    work = Path(keep or tempfile.mkdtemp(prefix="jixiao-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    result = evaluate(large_project())
    figures = build_figures(result)
    charts = report_charts(figures)  # also warms up matplotlib and the font cache
    docx = render_report(figures, work / "报告.docx", charts=charts)
    leaves = sum(1 for r in figures["indicators"] if r["is_leaf"])
    print(f"机器 / machine: {platform.processor() or platform.machine()}, {os.cpu_count()} 核, Python {platform.python_version()}")
    print(f"项目: {leaves} 个末级指标, {figures['allocations']['count']} 个县区, "
          f"{len(figures['survey']['questions'])} 道问卷题")

    docx_times = _timed(lambda: render_report(figures, work / "报告.docx", charts=charts), reps)

    def chain() -> None:
        fig = build_figures(result)
        render_report(fig, work / "报告.docx", charts=report_charts(fig))
        write_score_sheet(fig, work / "评分表.xlsx")

    chain_times = _timed(chain, reps)

    from jixiao.workbooks.reader import read_workbook
    from jixiao.workbooks.writer import write_workbook

    workbook = work / "项目工作簿.xlsx"
    write_workbook(workbook, large_project())

    def workbook_to_docx() -> None:  # what `jixiao evaluate` does before the PDF
        fig = build_figures(evaluate(read_workbook(workbook)))
        render_report(fig, work / "报告.docx", charts=report_charts(fig))

    workbook_times = _timed(workbook_to_docx, reps)
    print(_line("docx (render_report, 图已绘制)", docx_times))
    print(_line("全链 figures+charts+docx+xlsx", chain_times))
    print(_line("工作簿→docx read+evaluate+figures+charts+docx", workbook_times))
    docx_ok = statistics.median(workbook_times) < DOCX_GOAL_S
    print(f"目标 工作簿→docx < {DOCX_GOAL_S:g} s: {'达到' if docx_ok else '未达到'}")

    if find_soffice() is None:
        print("未找到 soffice，跳过 PDF 计时")
        return
    ours, bare = [], []
    for _ in range(reps):  # interleaved so both see the same machine state
        ours += _timed(lambda: convert_to_pdf(docx, work / "ours"), 1)
        bare += _timed(lambda: _bare_soffice(docx, work / "bare"), 1)
    ratio = statistics.median(ours) / statistics.median(bare)
    print(_line("PDF convert_to_pdf", ours))
    print(_line("PDF bare soffice --convert-to pdf", bare))
    print(f"比值 convert_to_pdf / bare (中位数): {ratio:.2f}  目标 ≤ {PDF_RATIO_GOAL:g}: "
          f"{'达到' if ratio <= PDF_RATIO_GOAL else '未达到'}")
    if keep is None:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    args = parser.parse_args()
    run(args.reps, args.keep)


if __name__ == "__main__":
    main()
