"""A project named with its year: the year is printed once, whatever form the name gives it."""

import pytest

from jixiao.common.names import begins_with_year, name_with_year


@pytest.mark.parametrize("name", ["2023年残疾人两项补贴", "2023年度残疾人两项补贴", "２０２３年残疾人两项补贴",
                                  " 2023 年残疾人两项补贴"])
def test_a_name_that_begins_with_its_year_is_kept_as_written(name):
    assert begins_with_year(name, 2023)
    assert name_with_year(name, 2023) == name
    assert name_with_year(name, 2023, word="年度") == name


@pytest.mark.parametrize(("name", "word", "expected"), [
    ("残疾人两项补贴", "年", "2023年残疾人两项补贴"),
    ("残疾人两项补贴", "年度", "2023年度残疾人两项补贴"),
    # another year in the name is part of the name (a programme of 2022 evaluated in 2023)
    ("2022年残疾人两项补贴结转资金", "年度", "2023年度2022年残疾人两项补贴结转资金"),
    ("20230号工程", "年", "2023年20230号工程"),  # digits that are not the year
])
def test_otherwise_the_year_goes_first(name, word, expected):
    assert name_with_year(name, 2023, word=word) == expected
