"""Problems and the exception that carries them: naming the file a problem was found in."""

from jixiao.common.problems import InputInvalid, InputUnreadable, Problem


def test_naming_fills_in_the_file_only_where_none_or_a_replaced_one_is_named():
    scoring = Problem("指标评分", None, "权重分", "一级指标权重分合计为110，应为100")
    copy = Problem("资金来源", 2, "来源", "未知的来源", "upload.xlsx")
    other = Problem("", None, None, "另一个文件的问题", "别的.xlsx")
    named = InputInvalid([scoring, copy, other], {("访谈", "内容摘要"): 3}, limit=10).naming(
        "项目.xlsx", replacing=("upload.xlsx",))
    assert [p.file for p in named.problems] == ["项目.xlsx", "项目.xlsx", "别的.xlsx"]
    assert str(named.problems[0]) == "项目.xlsx，工作表“指标评分”，“权重分”列：一级指标权重分合计为110，应为100"
    assert named.omitted == {("访谈", "内容摘要"): 3} and named.total == 6  # nothing listed is dropped


def test_naming_keeps_an_unreadable_file_unreadable():
    named = InputUnreadable([Problem("", None, None, "无法读取工作簿")]).naming("坏.xlsx")
    assert type(named) is InputUnreadable and str(named) == "坏.xlsx：无法读取工作簿"
