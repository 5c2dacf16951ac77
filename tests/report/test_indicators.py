"""What each kind of indicator prints as, checked against the submission's own meaning."""

from __future__ import annotations

from ecodesk.forms.lines import IndicatorLine, indicator_lines
from ecodesk.forms.loader import FormPack
from ecodesk.submission import SubmissionData


def _by_name(lines: list[IndicatorLine]) -> dict[str, IndicatorLine]:
    return {line.name: line for line in lines}


def test_every_applicable_indicator_has_a_line(
    kinds_pack: FormPack, submission: SubmissionData
) -> None:
    for form in submission.forms:
        names = [
            line.name for line in indicator_lines(kinds_pack, submission, form) if not line.part
        ]
        expected = [i.name for i in kinds_pack.indicators(form, submission.unit.division_code)]
        assert names == expected


def test_number_is_tidied_but_never_invented(
    kinds_pack: FormPack, submission: SubmissionData
) -> None:
    submission.values["1.1:upgraded_firms"] = "１,２００"
    submission.values["1.1:tech_invest"] = "约三亿"
    lines = _by_name(indicator_lines(kinds_pack, submission, "1.1"))
    firms = lines[kinds_pack.indicator("1.1", "upgraded_firms").name]
    invest = lines[kinds_pack.indicator("1.1", "tech_invest").name]
    assert firms.this_value == "1200"
    assert firms.last_year == "60"
    assert invest.this_value == "约三亿"  # not a number: printed as typed, not 0


def test_progress_is_the_share_of_the_plan_target(
    kinds_pack: FormPack, submission: SubmissionData
) -> None:
    indicator = kinds_pack.indicator("1.1", "upgraded_firms")
    submission.values["1.1:upgraded_firms"] = str(indicator.target.value / 4)
    line = _by_name(indicator_lines(kinds_pack, submission, "1.1"))[indicator.name]
    assert line.progress == "25.0%"
    assert line.target == indicator.target.plan_text


def test_ratio_prints_the_rate_and_its_parts(
    kinds_pack: FormPack, submission: SubmissionData
) -> None:
    submission.values["1.2:forest_rate.num"] = "380"
    submission.values["1.2:forest_rate.den"] = "500"
    lines = indicator_lines(kinds_pack, submission, "1.2")
    at = [line.name for line in lines].index("森林覆盖率")
    rate, num, den = lines[at : at + 3]
    assert rate.this_value == "76.00" and rate.unit == "%"
    assert rate.progress == "100.0%"
    assert rate.last_year  # last year's parts give last year's rate
    assert (num.part, den.part) == (True, True)
    assert num.this_value == "380.00" and den.this_value == "500.00"
    assert "森林面积" in num.name and "国土面积" in den.name


def test_provincial_compares_actual_with_the_provincial_target(
    kinds_pack: FormPack, submission: SubmissionData
) -> None:
    name = "万元工业增加值用水量下降率"
    submission.values["1.2:water_use.target"] = "3"
    submission.values["1.2:water_use.actual"] = "2.5"
    line = _by_name(indicator_lines(kinds_pack, submission, "1.2"))[name]
    assert line.progress == "未完成"  # a reduction rate: higher is better
    assert "3.00" in line.target
    submission.values["1.2:water_use.actual"] = "3.2"
    assert _by_name(indicator_lines(kinds_pack, submission, "1.2"))[name].progress == "已完成"


def test_grade_milestone_trend_and_text(kinds_pack: FormPack, submission: SubmissionData) -> None:
    submission.values["1.2:water_grade"] = "Ⅳ类"
    submission.values["1.2:station"] = "已完成"
    submission.values["1.2:eqi"] = "69.0"
    lines = _by_name(indicator_lines(kinds_pack, submission, "1.2"))
    assert lines["断面水质"].progress == "未达到"
    assert lines["抽水蓄能电站核准"].progress == "已完成"
    assert "2024年底" in lines["抽水蓄能电站核准"].target
    assert lines["生态质量指数（EQI）"].progress == "较上年下降"
    assert lines["其他需要说明的情况"].free_text
    submission.values["1.2:water_grade"] = "Ⅰ类"
    assert _by_name(indicator_lines(kinds_pack, submission, "1.2"))["断面水质"].progress == "已达到"


def test_indicators_for_other_counties_are_left_out(
    kinds_pack: FormPack, submission: SubmissionData
) -> None:
    names = {line.name for line in indicator_lines(kinds_pack, submission, "1.2")}
    assert "仅宁都县填报的指标" in names
    assert "仅寻乌县填报的指标" not in names
