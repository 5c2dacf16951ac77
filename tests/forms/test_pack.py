"""The bundled pack against the plan itself.

The expectations below were written from a reading of ``/work/shared/plan/action-plan.txt``
(copied phrase by phrase), not from the definitions: each numbered target of the plan with its
value, unit and comparator, the lead departments, the places named for duties, and the
GB/T 2260 codes of Ganzhou's county-level divisions.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from ecodesk.forms.loader import MAIN_GOALS_FORM, FormPack
from ecodesk.forms.schema import (
    GradeIndicator,
    Indicator,
    MilestoneIndicator,
    NumberIndicator,
    ProvincialIndicator,
    RatioIndicator,
    TrendIndicator,
)

# A copy of the public plan text (/work/shared/plan/action-plan.txt), kept with the tests so they
# run on any machine.
PLAN_FILE = Path(__file__).resolve().parent / "data" / "action-plan.txt"


@pytest.fixture(scope="module")
def plan_text() -> str:
    return PLAN_FILE.read_text(encoding="utf-8")


def _squash(text: str) -> str:
    """Drop punctuation and the characters the web transcription of the plan lost.

    The transcription dropped some 、，。“ — and a few measure words (个, 条, 年); the catalog
    restores them, so both sides are compared without them.
    """
    return re.sub(r"[\s、，,。：:；;“”\"'（）()—\-个条年]", "", text)


# (form, phrase copied from the plan, value, unit, comparator, scope or None)
# comparator: ge 以上/达到/力争达到, gt 突破, about 左右.
NUMBERED_TARGETS: list[tuple[str, str, str, str, str, str | None]] = [
    ("G", "可再生能源装机容量占比稳定在50%以上", "50", "%", "ge", "level"),
    ("G", "数字经济核心产业增加值占GDP比重达到10%以上", "10", "%", "ge", "level"),
    ("G", "森林覆盖率稳定在76%以上", "76", "%", "ge", "level"),
    ("G", "水土保持率提高至83.4%以上", "83.4", "%", "ge", "level"),
    ("G", "湿地保护率达到62%以上", "62", "%", "ge", "level"),
    ("G", "林下经济产业综合产值突破300亿元", "300", "亿元", "gt", None),
    ("1.1", "三年推动2000家左右工业企业转型升级", "2000", "家", "about", "cumulative"),
    ("1.1", "工业技术改造投资年均增长10%左右", "10", "%", "about", "growth"),
    ("1.2", "营业收入分别力争达到1600亿元、2200亿元", "1600", "亿元", "ge", None),
    ("1.2", "营业收入分别力争达到1600亿元、2200亿元", "2200", "亿元", "ge", None),
    ("1.2", "力争建成省级以上绿色工厂140家", "140", "家", "ge", None),
    ("1.2", "绿色园区12", "12", "个", "ge", None),
    ("1.4", "全市建成绿色低碳领域市级重点实验室2家", "2", "家", "ge", None),
    ("2.1", "新能源装机力争突破700万千瓦", "700", "万千瓦", "gt", "level"),
    ("2.3", "新能源汽车占比分别达到80%75%以上", "80", "%", "ge", "level"),
    ("2.3", "新能源汽车占比分别达到80%75%以上", "75", "%", "ge", "level"),
    ("2.4", "新建公共机构建筑可安装光伏覆盖率力争达50%", "50", "%", "ge", "level"),
    ("3.2", "生活污水集中收集率分别提高至75%55%以上", "75", "%", "ge", "level"),
    ("3.2", "生活污水集中收集率分别提高至75%55%以上", "55", "%", "ge", "level"),
    ("3.3", "受污染耕地安全利用率达到93%以上", "93", "%", "ge", "level"),
    ("3.3", "重点建设用地安全利用率达95%以上", "95", "%", "ge", "level"),
    ("4.1", "力争创建国家水土保持示范县(园、工程)3个", "3", "个", "ge", "cumulative"),
    ("4.1", "治理废弃矿山2.44平方公里", "2.44", "平方公里", "ge", "cumulative"),
    ("4.1", "建成生态清洁小流域20", "20", "条", "ge", "cumulative"),
    ("4.1", "小微湿地10处", "10", "处", "ge", "cumulative"),
    ("4.2", "国家重点保护野生动植物保护率达95%以上", "95", "%", "ge", "level"),
    ("5.3", "优质农产品数量达1400个以上", "1400", "个", "ge", "level"),
    ("5.3", "油茶、竹产业产值分别达200亿元、80亿元", "200", "亿元", "ge", None),
    ("5.3", "油茶、竹产业产值分别达200亿元、80亿元", "80", "亿元", "ge", None),
    ("6.2", "加快推进5省级碳达峰试点城市(园区)建设", "5", "个", "ge", None),
    ("7.2", "环保产品政府采购规模提升至同类产品采购规模的90%以上", "90", "%", "ge", None),
]

# Targets without a plain number: (form, phrase, comparator, grade or year)
OTHER_TARGETS: list[tuple[str, str, str, str]] = [
    ("3.1", "赣江干流(赣州段)、东江流域出境断面水质达到或好于Ⅱ类", "grade_at_least", "Ⅱ类"),
    ("3.1", "2024年底完成三江源流域跨境交界和化工园区预警断面", "done", "2024"),
    ("3.2", "2024年底实现国家监管农村黑臭水体动态清零", "zero", "2024"),
]

# 完成省下达指标 / 达到省有关要求: (form, phrase in the plan, word in the indicator's name)
PROVINCIAL: list[tuple[str, str, str]] = [
    ("G", "单位GDP能耗、水耗和二氧化碳排放持续下降并完成省下达指标", "能耗"),
    ("G", "单位GDP能耗、水耗和二氧化碳排放持续下降并完成省下达指标", "水耗"),
    ("G", "单位GDP能耗、水耗和二氧化碳排放持续下降并完成省下达指标", "二氧化碳"),
    ("G", "水、空气、土壤等生态环境指标完成省下达目标", "水质"),
    ("G", "水、空气、土壤等生态环境指标完成省下达目标", "空气"),
    (
        "1.3",
        "万元工业增加值用水量、单位GDP建设用地使用面积下降率完成省下达指标",
        "万元工业增加值用水量",
    ),
    ("1.3", "万元工业增加值用水量、单位GDP建设用地使用面积下降率完成省下达指标", "建设用地"),
    ("2.1", "完成省下达的非水可再生能源消纳责任权重指标", "非水可再生能源"),
    ("2.1", "新型储能装机达到省有关要求", "新型储能"),
    ("3.1", "化学需氧量、氨氮、挥发性有机物等主要污染物减排完成省下达指标", "化学需氧量"),
    ("3.1", "化学需氧量、氨氮、挥发性有机物等主要污染物减排完成省下达指标", "氨氮"),
    ("3.1", "化学需氧量、氨氮、挥发性有机物等主要污染物减排完成省下达指标", "挥发性有机物"),
]

# Qualitative trends: (form, phrase, word in the name, direction)
TRENDS: list[tuple[str, str, str, str]] = [
    (
        "G",
        "战略性新兴产业、高技术产业增加值占规模以上工业增加值比重稳步提升",
        "战略性新兴产业",
        "up",
    ),
    ("G", "战略性新兴产业、高技术产业增加值占规模以上工业增加值比重稳步提升", "高技术产业", "up"),
    ("G", "生态质量指数(EQI)稳中向好", "EQI", "stable_or_up"),
    ("2.3", "铁路和水路货运量占比持续提升", "铁路和水路货运量", "up"),
    ("2.4", "新开工装配式建筑面积比例稳步提高", "装配式建筑面积比例", "up"),
]

# Rates that must add up from the counties to the city: entered as numerator and denominator.
RATIOS: list[tuple[str, str]] = [
    ("G", "森林覆盖率"),
    ("G", "水土保持率"),
    ("G", "湿地保护率"),
    ("G", "可再生能源装机容量占比"),
    ("G", "数字经济"),
    ("2.3", "公交车"),
    ("2.3", "出租汽车"),
    ("2.4", "光伏覆盖率"),
    ("3.2", "生活污水集中收集率"),
    ("3.3", "受污染耕地"),
    ("3.3", "重点建设用地"),
    ("7.2", "政府采购"),
]

# Ganzhou's county-level divisions (GB/T 2260) and the three functional zones that report.
DIVISIONS = {
    "360702": "章贡区", "360703": "南康区", "360704": "赣县区",
    "360722": "信丰县", "360723": "大余县", "360724": "上犹县", "360725": "崇义县",
    "360726": "安远县", "360728": "定南县", "360729": "全南县", "360730": "宁都县",
    "360731": "于都县", "360732": "兴国县", "360733": "会昌县", "360734": "寻乌县",
    "360735": "石城县", "360781": "瑞金市", "360783": "龙南市",
}  # fmt: skip
ZONES = {"赣州经开区", "蓉江新区", "赣州高新区"}

# Places the plan names for a duty: (division name, task, word in the duty's title)
DUTIES: list[tuple[str, str, str]] = [
    ("宁都县", "2.1", "农村能源革命"),
    ("赣县区", "2.1", "抽水蓄能"),
    ("寻乌县", "2.1", "抽水蓄能"),
    ("石城县", "4.2", "地质公园"),
    ("龙南市", "4.2", "九连山"),
    ("兴国县", "5.2", "碳中和"),
    ("崇义县", "5.2", "林业碳汇"),
    ("会昌县", "5.2", "林业碳汇"),
    ("上犹县", "5.2", "水土保持碳汇"),
    ("龙南市", "3.2", "和美乡村"),
    ("龙南市", "7.1", "先行区"),
    ("赣州高新区", "1.3", "大宗固废"),
]

TASK_TITLES = {
    "1.1": "推动传统产业改造升级", "1.2": "大力发展绿色低碳产业", "1.3": "促进资源节约集约循环利用",
    "1.4": "加强绿色低碳科技攻关和推广应用", "2.1": "加快能源绿色低碳转型",
    "2.2": "扎实推进工业领域碳达峰", "2.3": "着力建设低碳交通运输体系",
    "2.4": "推进城乡建设绿色低碳发展", "3.1": "深入推进污染防治攻坚", "3.2": "强化城乡环境治理",
    "3.3": "守牢生态环境安全底线", "4.1": "加强生态修复治理", "4.2": "构建完善自然保护地体系",
    "4.3": "优化提升森林生态系统功能", "5.1": "持续优化核算评估制度", "5.2": "建立健全市场交易机制",
    "5.3": "大力构建生态产业体系", "6.1": "健全生态制度体系", "6.2": "完善政策法规体系",
    "7.1": "打造生态文化品牌", "7.2": "倡导绿色低碳生活",
}  # fmt: skip


def _unit(ind: Indicator) -> str:
    return getattr(ind, "unit", "")


def test_numbered_target_phrases_are_the_plans_own(plan_text: str) -> None:
    for _form, phrase, value, *_ in NUMBERED_TARGETS:
        assert phrase in plan_text, phrase
        assert value in phrase, (value, phrase)
    for _form, phrase, *_ in OTHER_TARGETS + PROVINCIAL + TRENDS:
        assert phrase in plan_text, phrase


@pytest.mark.parametrize(
    ("form", "phrase", "value", "unit", "comparator", "scope"), NUMBERED_TARGETS
)
def test_every_numbered_target_is_in_its_form(
    pack: FormPack,
    form: str,
    phrase: str,
    value: str,
    unit: str,
    comparator: str,
    scope: str | None,
) -> None:
    matches = [
        ind
        for ind in pack.form(form).indicators
        if getattr(ind, "target", None) is not None
        and ind.target.value == Decimal(value)
        and ind.target.comparator == comparator
        and _unit(ind) == unit
    ]
    assert matches, f"表单 {form} 缺少目标 {phrase}（{value}{unit}，{comparator}）"
    ind = matches[0]
    if scope is not None:
        assert getattr(ind, "scope", None) == scope, (ind.code, scope)
    # The help or target text quotes the plan, so a clerk sees where the number comes from.
    assert value in ind.target.plan_text
    assert _squash(ind.target.plan_text) in _squash(
        pack.task(form).text if form != "G" else _goal_text(pack)
    )


def _goal_text(pack: FormPack) -> str:
    return "".join(g.text for g in pack.catalog.goal_groups)


@pytest.mark.parametrize(("form", "phrase", "comparator", "detail"), OTHER_TARGETS)
def test_grade_milestone_and_zero_targets(
    pack: FormPack, form: str, phrase: str, comparator: str, detail: str
) -> None:
    matches = [
        ind
        for ind in pack.form(form).indicators
        if getattr(ind, "target", None) is not None and ind.target.comparator == comparator
    ]
    assert matches, phrase
    for ind in matches:
        if comparator == "grade_at_least":
            assert isinstance(ind, GradeIndicator) and ind.target.grade == detail
        else:
            assert ind.target.year == int(detail) and "2024年底" in ind.target.deadline
    if comparator == "grade_at_least":
        # Both rivers of the sentence: 赣江干流 and 东江流域.
        names = "".join(i.name for i in matches)
        assert "赣江" in names and "东江" in names
    if comparator == "done":
        assert all(isinstance(i, MilestoneIndicator) for i in matches)


@pytest.mark.parametrize(("form", "phrase", "word"), PROVINCIAL)
def test_provincial_targets_are_target_actual_pairs(
    pack: FormPack, form: str, phrase: str, word: str
) -> None:
    matches = [
        i
        for i in pack.form(form).indicators
        if isinstance(i, ProvincialIndicator) and word in i.name
    ]
    assert matches, f"表单 {form} 缺少“{word}”的省下达指标"
    parts = {f.part for f in pack.input_fields(form) if f.indicator == matches[0].code}
    assert parts == {"target", "actual"}


@pytest.mark.parametrize(("form", "phrase", "word", "direction"), TRENDS)
def test_qualitative_trends(
    pack: FormPack, form: str, phrase: str, word: str, direction: str
) -> None:
    matches = [
        i for i in pack.form(form).indicators if isinstance(i, TrendIndicator) and word in i.name
    ]
    assert matches and matches[0].direction == direction


@pytest.mark.parametrize(("form", "word"), RATIOS)
def test_additive_rates_are_numerator_and_denominator(pack: FormPack, form: str, word: str) -> None:
    matches = [
        i for i in pack.form(form).indicators if isinstance(i, RatioIndicator) and word in i.name
    ]
    assert matches, f"表单 {form} 中“{word}”应以分子、分母填报"
    for ind in matches:
        assert ind.aggregation == "ratio"
        assert ind.numerator.name and ind.denominator.name
        # A rate of like quantities: both parts in the same unit.
        assert ind.numerator.unit == ind.denominator.unit


def test_every_ratio_has_named_parts(pack: FormPack) -> None:
    for form in pack.forms.values():
        for ind in form.indicators:
            if isinstance(ind, RatioIndicator):
                assert ind.numerator.name != ind.denominator.name, ind.code
                assert ind.numerator.unit and ind.denominator.unit, ind.code


def test_every_task_has_its_form(pack: FormPack) -> None:
    assert [t.code for t in pack.catalog.tasks] == list(TASK_TITLES)
    assert list(pack.forms) == [MAIN_GOALS_FORM, *TASK_TITLES]
    for code, title in TASK_TITLES.items():
        assert pack.task(code).title == title
        form = pack.form(code)
        assert form.task == code and form.title == title
        assert form.indicators, f"表单 {code} 没有指标"
    assert pack.form(MAIN_GOALS_FORM).task is None


def test_task_text_is_the_plans_text(pack: FormPack, plan_text: str) -> None:
    squashed_plan = _squash(plan_text)
    for task in pack.catalog.tasks:
        assert task.text.startswith(task.title + "。"), task.code
        assert _squash(task.text) in squashed_plan, task.code
    for group in pack.catalog.goal_groups:
        assert group.text.startswith(group.title)
        assert _squash(group.text) in squashed_plan, group.code


def test_lead_departments_exactly_as_the_plan_lists_them(pack: FormPack, plan_text: str) -> None:
    squashed_plan = _squash(plan_text)
    for task in pack.catalog.tasks:
        paragraph_start = squashed_plan.index(_squash(task.text)[:30])
        paragraph = squashed_plan[paragraph_start:].split("按职责分工负责", 1)[0]
        listed = "".join(task.lead_departments)
        assert paragraph.removesuffix("等").endswith(listed), task.code
        before = paragraph.removesuffix("等")[: -len(listed)]
        # Nothing of another department just before the list: the list is complete.
        assert not re.search(r"(局|委|中心|公司|车务段|院|办|部|分行|分局)$", before), (
            task.code,
            before[-10:],
        )


def test_departments_have_county_counterparts(pack: FormPack) -> None:
    forest = next(d for d in pack.catalog.departments if d.city == "市林业局")
    assert forest.county == "县林业局"
    for task in pack.catalog.tasks:
        for dept in task.lead_departments:
            assert dept in {d.city for d in pack.catalog.departments}
    # City departments in the plan that have a county office: each has one.
    for dept in pack.catalog.departments:
        if dept.city.startswith("市"):
            assert dept.county, dept.city


def test_divisions_and_codes(pack: FormPack) -> None:
    divisions = {d.code: d for d in pack.catalog.divisions}
    assert len(divisions) == 21
    for code, name in DIVISIONS.items():
        assert divisions[code].name == name
        assert divisions[code].kind == name[-1]
    zones = [d for d in pack.catalog.divisions if d.kind == "功能区"]
    assert {z.name for z in zones} == ZONES
    assert all(z.code.startswith("3607") for z in zones)


@pytest.mark.parametrize(("place", "task", "word"), DUTIES)
def test_named_places_have_their_duties(
    pack: FormPack, plan_text: str, place: str, task: str, word: str
) -> None:
    code = next(d.code for d in pack.catalog.divisions if d.name == place)
    duties = [
        d for d in pack.catalog.duties if code in d.divisions and d.task == task and word in d.title
    ]
    assert duties, f"{place} 缺少任务 {task} 的专项“{word}”"
    duty = duties[0]
    assert _squash(duty.plan_text) in _squash(plan_text)
    assert duty.fields, "专项任务应指向本地填报的指标或表格"
    for ref in duty.fields:
        form, _, item = ref.partition(":")
        # Shown to this place, and not to a county the plan does not name.
        indicators = {i.code: i.only_for for i in pack.indicators(form, code)}
        tables = {t.code: t.only_for for t in pack.tables(form, code)}
        assert item in indicators or item in tables, ref
        other = "360781" if code != "360781" else "360702"  # 瑞金 has no duty in the plan
        shown_elsewhere = {i.code for i in pack.indicators(form, other)} | {
            t.code for t in pack.tables(form, other)
        }
        assert item not in shown_elsewhere, ref


def test_county_only_sections_belong_to_a_duty_or_an_area_target(pack: FormPack) -> None:
    duty_refs = {ref for d in pack.catalog.duties for ref in d.fields}
    for form in pack.forms.values():
        for item in [*form.indicators, *form.tables]:
            if item.only_for and not item.code.startswith("sewage_collection"):
                assert f"{form.code}:{item.code}" in duty_refs, (form.code, item.code)


def test_sewage_targets_split_central_city_and_counties(pack: FormPack) -> None:
    central = pack.indicator("3.2", "sewage_collection_central")
    county = pack.indicator("3.2", "sewage_collection_county")
    assert central.target.value == 75 and county.target.value == 55
    # Every reporting unit is held to exactly one of the two.
    assert sorted(central.only_for + county.only_for) == sorted(
        d.code for d in pack.catalog.divisions
    )
    assert {"360702", "3607K1", "3607R1"} <= set(central.only_for)


def test_codes_are_stable_lowercase_ascii_and_keys_unique(pack: FormPack) -> None:
    keys = [f.key for f in pack.all_input_fields()]
    assert len(keys) == len(set(keys))
    for form in pack.forms.values():
        for item in [*form.indicators, *form.tables]:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", item.code), item.code
        for table in form.tables:
            for column in table.columns:
                assert re.fullmatch(r"[a-z][a-z0-9_]*", column.code), (table.code, column.code)


def test_every_field_has_help_quoting_the_plan(pack: FormPack) -> None:
    for form in pack.forms.values():
        for ind in form.indicators:
            assert ind.help or getattr(ind, "plan_text", ""), (form.code, ind.code)
        for table in form.tables:
            assert table.help or form.intro, (form.code, table.code)


def test_aggregation_is_declared_sensibly(pack: FormPack) -> None:
    for form in pack.forms.values():
        for ind in form.indicators:
            if isinstance(ind, NumberIndicator) and ind.scope == "growth":
                # A growth rate of the city is not the sum of the counties' rates.
                assert ind.aggregation == "none", ind.code
            if isinstance(ind, NumberIndicator) and ind.unit == "%":
                assert ind.aggregation == "none", ind.code
            target = getattr(ind, "target", None)
            if target is not None and target.level == "city" and isinstance(ind, NumberIndicator):
                assert ind.aggregation == "sum", ind.code


def test_lists_that_carry_over_mark_their_ongoing_rows(pack: FormPack) -> None:
    # Project lists keep unfinished rows for next year; spot-check the plan's main lists.
    for form, table in [
        ("1.1", "projects"),
        ("2.1", "energy_projects"),
        ("2.2", "ultra_low"),
        ("3.1", "stations"),
        ("3.2", "black_odorous"),
        ("4.1", "watersheds"),
        ("4.1", "wetlands"),
        ("4.1", "mines"),
    ]:
        spec = next(t for t in pack.tables(form) if t.code == table)
        assert spec.ongoing, (form, table)


def test_list_tables_have_typed_columns(pack: FormPack) -> None:
    mines = next(t for t in pack.tables("4.1") if t.code == "mines")
    area = next(c for c in mines.columns if c.code == "area")
    assert area.type == "number" and area.unit == "平方公里"
    products = next(t for t in pack.tables("5.3") if t.code == "certified_products")
    cols = {c.code: c for c in products.columns}
    assert cols["certificate"].required
    assert {"绿色食品", "有机农产品", "名特优新农产品"} <= set(cols["category"].choices)
    factories = next(t for t in pack.tables("1.2") if t.code == "factories")
    fcols = {c.code: c for c in factories.columns}
    assert fcols["level"].choices == ["国家级", "省级"] and fcols["year"].type == "year"
    energy = next(t for t in pack.tables("2.1") if t.code == "energy_projects")
    ecols = {c.code: c for c in energy.columns}
    assert ecols["capacity"].unit == "万千瓦" and "新型储能" in ecols["type"].choices


def test_narratives_are_the_four_sections(pack: FormPack) -> None:
    assert [n.name for n in pack.narratives] == [
        "工作进展",
        "主要做法及成效",
        "存在问题",
        "下步计划",
    ]


def test_goal_groups_cover_the_main_goals_form(pack: FormPack) -> None:
    grouped = [c for g in pack.catalog.goal_groups for c in g.indicators]
    assert sorted(grouped) == sorted(i.code for i in pack.form(MAIN_GOALS_FORM).indicators)
    assert len(pack.catalog.goal_groups) == 4


def test_pack_is_versioned(pack: FormPack) -> None:
    assert re.fullmatch(r"\d{4}\.\d+", pack.version)
    assert all(form.version >= 1 for form in pack.forms.values())
