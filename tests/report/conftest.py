"""Submissions built by hand for the printed sheet: the bundled pack, plus a form with every kind."""

from __future__ import annotations

import shutil
import textwrap

import pytest

from ecodesk.forms.loader import FormPack, load_pack
from ecodesk.submission import AcceptedWarning, Period, SubmissionData, UnitProfile

# Form 1.2 replaced by one that uses every indicator kind and a table too wide for portrait.
ALL_KINDS_FORM = textwrap.dedent("""\
    code: "1.2"
    version: 1
    title: 各类指标示例
    task: "1.2"
    indicators:
      - code: forest_rate
        kind: ratio
        name: 森林覆盖率
        numerator: {name: 森林面积, unit: 万亩}
        denominator: {name: 国土面积, unit: 万亩}
        target: {comparator: ge, value: 76, deadline: 2026年, level: county, plan_text: 森林覆盖率稳定在76%以上}
      - code: water_use
        kind: provincial
        name: 万元工业增加值用水量下降率
        unit: "%"
        better: higher
        plan_text: 万元工业增加值用水量下降率完成省下达指标
      - code: eqi
        kind: trend
        name: 生态质量指数（EQI）
        unit: ""
        direction: stable_or_up
        plan_text: 生态质量指数(EQI)稳中向好
      - code: water_grade
        kind: grade
        name: 断面水质
        grades: [Ⅰ类, Ⅱ类, Ⅲ类, Ⅳ类, Ⅴ类, 劣Ⅴ类]
        target: {comparator: grade_at_least, grade: Ⅲ类, deadline: 2026年, plan_text: 断面水质达到Ⅲ类及以上}
      - code: station
        kind: milestone
        name: 抽水蓄能电站核准
        target: {comparator: done, deadline: 2024年底, plan_text: 加快推进抽水蓄能电站项目}
      - code: remark
        kind: text
        name: 其他需要说明的情况
        required: false
      - code: only_ningdu
        kind: number
        name: 仅宁都县填报的指标
        unit: 个
        scope: annual
        only_for: ["360730"]
      - code: only_xunwu
        kind: number
        name: 仅寻乌县填报的指标
        unit: 个
        scope: annual
        only_for: ["360734"]
    tables:
      - code: wide
        name: 绿色工厂明细
        columns:
          - {code: name, name: 企业名称, type: text, width: 20}
          - {code: level, name: 级别, type: choice, choices: [国家级, 省级], width: 8}
          - {code: year, name: 认定年份, type: year, width: 8}
          - {code: industry, name: 行业, type: text, width: 10}
          - {code: output, name: 产值, type: number, unit: 万元, width: 10}
          - {code: energy, name: 综合能耗, type: number, unit: 吨标准煤, width: 10}
          - {code: park, name: 所在园区, type: text, width: 14}
          - {code: contact, name: 联系人, type: text, width: 8}
          - {code: note, name: 备注, type: text, width: 12}
    """)


@pytest.fixture(scope="session")
def kinds_pack(tmp_path_factory: pytest.TempPathFactory) -> FormPack:
    from ecodesk.forms.loader import PACK_DIR

    folder = tmp_path_factory.mktemp("pack") / "pack"
    shutil.copytree(PACK_DIR, folder)
    (folder / "1_2.yaml").write_text(ALL_KINDS_FORM, encoding="utf-8")
    return load_pack(folder)


NINGDU = UnitProfile(
    division_code="360730",
    division_name="宁都县",
    department="工业和信息化局",
    preparer="李明",
    reviewer="王芳",
    phone="0797-6821234",
    head="张建国",
)


def project_rows(count: int) -> list[dict[str, str]]:
    industries = ["钢铁", "化工", "有色", "建材", "电子信息", "其他"]
    return [
        {
            "name": f"第{n:03d}号生产线智能化改造项目",
            "company": f"宁都县示范企业{n:03d}有限公司",
            "industry": industries[n % len(industries)],
            "investment": str(100 + 7 * n),
            "status": ["谋划", "在建", "已完工"][n % 3],
        }
        for n in range(1, count + 1)
    ]


def make_submission(
    pack: FormPack, *, forms: list[str] | None = None, projects: int = 3
) -> SubmissionData:
    data = SubmissionData(
        unit=NINGDU,
        period=Period(2026),
        revision=2,
        pack_version=pack.version,
        forms=forms or ["1.1", "1.2"],
        supersedes=1,
    )
    data.values.update(
        {
            "1.1:upgraded_firms": "１２８",
            "1.1:tech_invest_growth": "11.3%",
            "1.1:tech_invest": "3.5亿",
            "1.1:blocked_projects": "2",
            "1.2:forest_rate.num": "365.2",
            "1.2:forest_rate.den": "604.5",
            "1.2:water_use.target": "3",
            "1.2:water_use.actual": "3.6",
            "1.2:eqi": "72.4",
            "1.2:water_grade": "Ⅱ类",
            "1.2:station": "推进中",
            "1.2:remark": "断面水质持续稳定，<无> & 其他说明",
            "1.2:only_ningdu": "4",
            "1.2:only_xunwu": "9",
        }
    )
    data.previous.update(
        {
            "1.1:upgraded_firms": "60",
            "1.1:tech_invest": "2.9",
            "1.2:eqi": "70.1",
            "1.2:forest_rate.num": "364.0",
            "1.2:forest_rate.den": "604.5",
        }
    )
    for form in data.forms:
        data.narratives[f"{form}:progress"] = (
            "今年以来，围绕行动方案目标，扎实推进各项工作，总体进展顺利。\n第二段：完成年度计划的85%。"
        )
        data.narratives[f"{form}:practice"] = "一是强化调度；二是加大资金投入；三是开展专项督导。"
        data.narratives[f"{form}:problems"] = "无"
        data.narratives[f"{form}:plan"] = "下一步将继续加大工作力度，确保完成全年目标任务。"
    data.tables["1.1:projects"] = project_rows(projects)
    data.tables["1.2:wide"] = [
        {
            "name": "赣州某某新材料有限公司",
            "level": "国家级",
            "year": "2025",
            "industry": "有色",
            "output": "52000",
            "energy": "1800",
            "park": "宁都工业园区",
            "contact": "刘工",
            "note": "—",
        },
    ]
    data.accepted.append(
        AcceptedWarning(
            problem_id="yoy:1.1:upgraded_firms",
            form="1.1",
            message="推动工业企业转型升级数量比上年增长超过50%，请说明原因。",
            explanation="今年新纳入“万企升级”专项的企业集中完成验收。",
            field="1.1:upgraded_firms",
        )
    )
    return data


@pytest.fixture
def submission(kinds_pack: FormPack) -> SubmissionData:
    return make_submission(kinds_pack)
