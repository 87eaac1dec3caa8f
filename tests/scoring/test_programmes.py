"""Programmes (sub-projects): 合计 = Σ sources, 结余 = 合计 − spending, computed and printed once; a
project without programmes prints exactly the figures it printed before."""

from __future__ import annotations

from decimal import Decimal as D

from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import build_figures, programme_amounts, summary_from_figures
from jixiao.scoring.inputs import Expenditure, Programme, ProgrammeSource
from tests.factories import sample_project


def _dibao() -> Programme:
    return Programme(
        "城市居民最低生活保障",
        sources=[ProgrammeSource("中央", D("26")), ProgrammeSource("省级", D("40")),
                 ProgrammeSource("县区级", D("38.7")), ProgrammeSource("上年结转", D("8.53"))],
        expenditures=[Expenditure("城市低保金", D("70.32"))],
        balance_reason="上级资金拨给过多", households=990, persons=1212, monthly_households=83, monthly_persons=101,
        standard="630元/人/月",
    )


def test_programme_amounts_are_computed_from_parts():
    amounts = programme_amounts(_dibao())
    assert (amounts.total, amounts.spent, amounts.balance) == (D("113.23"), D("70.32"), D("42.91"))


def test_empty_programme_sums_to_zero():
    amounts = programme_amounts(Programme("空"))
    assert (amounts.total, amounts.spent, amounts.balance) == (D(0), D(0), D(0))


def test_programme_figures_and_sentences():
    project = sample_project(fund_sources=[], expenditures=[], programmes=[
        _dibao(),
        Programme("特困人员供养", sources=[ProgrammeSource("中央", D(10)), ProgrammeSource("省级", D(5)),
                                          ProgrammeSource("县区级", D("3.85")), ProgrammeSource("上年结转", D("1.85"))],
                  expenditures=[Expenditure("供养经费", D("11.62")), Expenditure("照料护理补贴", D("5.6")),
                                Expenditure("寒冬衣物", D(1))], persons=12),
    ])
    fig = build_figures(evaluate(project))
    dibao, tekun = fig["programmes"]
    assert (dibao["total"], dibao["spent"], dibao["balance"]) == ("113.23", "70.32", "42.91")
    assert (tekun["total"], tekun["spent"], tekun["balance"]) == ("20.7", "18.22", "2.48")
    assert dibao["sentences"]["funds"] == (
        "项目资金到位情况：中央资金26万元，省级资金40万元，县区级资金38.7万元，上年结转8.53万元，合计113.23万元。")
    assert dibao["sentences"]["balance"] == "结余42.91万元，原因是上级资金拨给过多。"
    assert dibao["sentences"]["beneficiaries"] == "全年累计救助990户1212人，平均月救助83户101人。"
    assert dibao["sentences"]["standard"] == "保障标准为630元/人/月。"
    assert tekun["sentences"]["beneficiaries"] == "全年累计救助12人。"
    assert fig["programmes_total"] == {"count": 2, "count_words": "两", "names": "城市居民最低生活保障、特困人员供养",
                                       "total": "133.93", "spent": "88.54", "balance": "45.39",
                                       "conclusion_numeral": "三", "problems_numeral": "四", "advice_numeral": "五"}
    # the project's funds are its programmes' (so 资金到位率 / 预算执行率 rules see them)
    assert (fig["funds"]["budget"], fig["funds"]["arrived"], fig["funds"]["spent"]) == ("133.93", "133.93", "88.54")
    summary = summary_from_figures(fig)
    assert summary["programmes"][0]["balance"] == "42.91"


def test_overspent_and_fully_spent_programmes():
    over = Programme("超支", sources=[ProgrammeSource("县区级", D(5))], expenditures=[Expenditure("发放", D(6))])
    exact = Programme("用完", sources=[ProgrammeSource("县区级", D(30))], expenditures=[Expenditure("发放", D(30))])
    fig = build_figures(evaluate(sample_project(fund_sources=[], expenditures=[], programmes=[over, exact])))
    assert fig["programmes"][0]["balance"] == "-1"
    assert fig["programmes"][0]["sentences"]["balance"] == "支出超过资金合计1万元。"
    assert fig["programmes"][1]["sentences"]["balance"] == "资金已全部支出，无结余。"


def test_project_without_programmes_prints_no_programme_keys():
    fig = build_figures(evaluate(sample_project()))
    assert "programmes" not in fig and "programmes_total" not in fig
    assert "programmes_conclusion" not in fig["sentences"]
    assert "programmes" not in summary_from_figures(fig)


def test_section_numerals_after_many_programmes():
    from jixiao.scoring.figures import _numeral

    assert [_numeral(n) for n in (1, 9, 10, 11, 12, 20, 23)] == ["一", "九", "十", "十一", "十二", "二十", "二十三"]
