"""The project workbook: sheet names, columns, what each holds. The single description used by
the template writer, the reader/validator and the 说明 sheet."""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.scoring.inputs import (
    FUND_SOURCE_KINDS,
    FUNDS_CLASSES,
    PROJECT_TYPES,
    QUALITATIVE_BANDS,
    RATIO_SOURCES,
    RULES,
    TARGET_CATEGORIES,
    TARGET_OPERATORS,
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | int | decimal | money (万元, ≤6 decimals) | date | choice | bool
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    help: str
    required: bool = True
    key_value: bool = False  # 项目信息: rows of (项目, 内容) instead of a table
    keys: tuple[Column, ...] = field(default=())


YES_NO = ("是", "否")

INFO_KEYS = (
    Column("项目名称", "text", True, help="与批复文件一致的项目全称", width=40),
    Column("年度", "int", True, help="预算年度，如 2022"),
    Column("项目类型", "choice", True, tuple(PROJECT_TYPES)),
    Column("主管单位", "text", True, help="如：昆明市残疾人联合会"),
    Column("责任处室", "text", help="如：教就处"),
    Column("所属区划", "text", help="单位所在区划的名称或代码，如：昆明市 或 530100"),
    Column("指标体系模板", "text", help="指标评分表所依据的模板，如：昆明ABC、财预2020-10"),
    Column("评价开始日期", "date"),
    Column("评价结束日期", "date"),
    Column("报告单位", "text", help="报告落款单位，空则用主管单位"),
    Column("报告日期", "date", help="报告落款日期"),
    Column("结转结余原因", "text", help="有结转结余时说明原因"),
    Column("受益人数目标", "text", help="“绩效目标”表中与受益人数对应的目标名称，其实际值由“资金分配”表实际受益人数合计得出"),
    Column("问卷名称", "text"),
    Column("问卷系数方案", "text", help="昆明三档（A 1.0、B 0.9、C 0.8）或留空后逐项填写系数"),
    Column("系数A", "decimal"),
    Column("系数B", "decimal"),
    Column("系数C", "decimal"),
    Column("系数D", "decimal", help="使用 D 选项时必须填写"),
    Column("系数E", "decimal", help="使用 E 选项时必须填写"),
    Column("等级阈值", "text", help="如：优90,良80,中60,差0；留空用默认值"),
    Column("演示说明", "text", help="演示数据的来源说明，正式项目留空"),
)

SHEETS: tuple[Sheet, ...] = (
    Sheet("项目信息", (Column("项目", "text", True, width=18), Column("内容", "text", width=60)),
          "项目基本信息，每行一项：左列为项目，右列填内容。", key_value=True, keys=INFO_KEYS),
    Sheet("政策依据", (
        Column("文件名称", "text", True, help="不带书名号", width=50),
        Column("文号", "text", help="如：昆财社〔2022〕36号", width=24),
        Column("发文单位", "text", width=24),
    ), "立项和资金下达所依据的文件。"),
    Sheet("资金来源", (
        Column("来源", "choice", True, tuple(FUND_SOURCE_KINDS)),
        Column("预算数（万元）", "money", True),
        Column("到位数（万元）", "money", True),
        Column("依据文号", "text", width=24),
        Column("备注", "text", width=30),
    ), "按来源填写预算数与实际到位数，单位万元，最多6位小数（精确到分）。"),
    Sheet("资金分配", (
        Column("区划", "text", True, help="项目所属区划内的县（市、区）、街道（乡镇）或村（社区）：名称或区划代码，"
               "各行同一层级", width=18),
        Column("分配金额（万元）", "money", True),
        Column("计划受益人数", "int"),
        Column("实际受益人数", "int"),
        Column("备注", "text", width=30),
    ), "对下资金分配到所属区划内各县（市、区）、各街道（乡镇）或各村（社区）的金额与受益人数；各行须为同一层级，"
       "报告按所列层级称“县（市、区）”“街道（乡镇）”或“村（社区）”。", required=False),
    Sheet("支出", (
        Column("支出事项", "text", True, width=30),
        Column("金额（万元）", "money", True),
        Column("支出日期", "date"),
        Column("区划", "text", width=18),
        Column("备注", "text", width=30),
    ), "实际支出（含下拨支出）。结转结余 = 到位数合计 − 支出合计，由系统计算。"),
    Sheet("绩效目标", (
        Column("指标类别", "choice", True, tuple(TARGET_CATEGORIES)),
        Column("指标名称", "text", True, width=30),
        Column("比较符", "choice", True, tuple(TARGET_OPERATORS)),
        Column("目标值", "decimal", help="比较符为“定性”时填在“目标描述”"),
        Column("单位", "text", width=10),
        Column("实际值", "decimal"),
        Column("目标描述", "text", width=30),
        Column("实际描述", "text", width=30),
        Column("偏差原因", "text", width=30),
    ), "年度绩效目标：≥、≤、= 填数值，定性目标填文字。"),
    Sheet("指标评分", (
        Column("编码", "text", True, help="唯一编码，如 A、A1、A11、A111", width=10),
        Column("上级编码", "text", help="一级指标留空", width=10),
        Column("指标名称", "text", True, width=30),
        Column("权重分", "decimal", True, help="下级权重分之和须等于上级，一级合计100"),
        Column("评分规则", "choice", choices=tuple(RULES), help="仅末级指标填写"),
        Column("关联数据", "text", help="资金到位率、预算执行率、目标完成率:目标名称，或“绩效目标”表中的目标名称", width=20),
        Column("比较符", "choice", choices=("≥", "≤", "=")),
        Column("目标值", "decimal"),
        Column("实际值", "decimal"),
        Column("每项扣分", "decimal"),
        Column("缺项数", "int"),
        Column("定性等级", "choice", choices=tuple(QUALITATIVE_BANDS)),
        Column("得分", "decimal", help="手工、定性规则填写；其余规则由系统计算"),
        Column("评分依据", "text", width=50),
        Column("个性指标", "choice", choices=YES_NO),
    ), "四级（或任意层级）指标体系与末级指标的评分规则。"),
    Sheet("满意度问卷", (
        Column("题号", "int", True, width=8),
        Column("题目", "text", True, width=60),
        Column("权重", "decimal", True, help="该题满分，各题合计须为100"),
        Column("A人数", "int"),
        Column("B人数", "int"),
        Column("C人数", "int"),
        Column("D人数", "int"),
        Column("E人数", "int"),
    ), "每题一行，按选项填写人数；也可在“问卷答卷”表逐份录入答卷，由系统汇总。", required=False),
    Sheet("访谈", (
        Column("访谈主题", "text", True, width=20),
        Column("访谈对象", "text", width=20),
        Column("对象类别", "choice", choices=("项目负责人", "项目管理人员", "受益对象代表", "其他")),
        Column("访谈方式", "choice", choices=("座谈", "开放性访谈", "电话访谈", "入户访谈")),
        Column("访谈日期", "date"),
        Column("内容摘要", "text", True, width=80),
    ), "访谈记录，汇总为报告附件“访谈汇总”。", required=False),
    Sheet("报告文字", (
        Column("段落", "text", True, width=20),
        Column("内容", "text", width=100),
    ), "报告中的叙述性文字。数字由系统根据数据生成，叙述中不要再手写金额、得分。"),
)

# A multi-programme project (seed 003) adds these four sheets, one programme per row of “子项目” and its
# documents, sources and spending in the other three, joined by 子项目名称. Workbooks without them read as before.
PROGRAMME_NAME = "子项目名称"
SHEET_PROGRAMMES = "子项目"
SHEET_PROGRAMME_POLICIES = "子项目政策依据"
SHEET_PROGRAMME_SOURCES = "子项目资金来源"
SHEET_PROGRAMME_EXPENDITURES = "子项目支出"
_PROGRAMME_KEY = Column(PROGRAMME_NAME, "text", True, help="与“子项目”表中的子项目名称一致", width=28)
PROGRAMME_SHEETS: tuple[Sheet, ...] = (
    Sheet(SHEET_PROGRAMMES, (
        Column(PROGRAMME_NAME, "text", True, help="如：城市居民最低生活保障；不能重复。报告按本表顺序逐项成节", width=28),
        Column("保障标准", "text", help="如：630元/人/月", width=30),
        Column("全年救助户数", "int", help="全年累计救助户数"),
        Column("全年救助人数", "int", help="全年累计救助人数"),
        Column("月均救助户数", "int", help="平均每月救助户数"),
        Column("月均救助人数", "int", help="平均每月救助人数"),
        Column("结余原因", "text", help="有结余时说明原因，如：上级资金拨给过多", width=30),
        Column("情况说明", "text", help="资金管理、实施情况等叙述文字，可分段；金额、户数人数由系统生成，不要手写", width=60),
    ), "多项目（含若干子项目）时填写：每个子项目一行。子项目的资金合计 = 其各来源到位数之和，结余 = 合计 − 支出合计，"
       "均由系统计算；项目的资金即各子项目资金之和，此时“资金来源”“支出”表留空。报告按子项目逐节写作，"
       "再写综合评价情况及评价结论和存在问题；“报告文字”表中此时用到的段落为评价目的（报告开头）、主要绩效、"
       "存在的问题、建议和改进措施。", required=False),
    Sheet(SHEET_PROGRAMME_POLICIES, (
        _PROGRAMME_KEY,
        Column("文件名称", "text", True, help="不带书名号", width=50),
        Column("文号", "text", help="如：昆民联发〔2019〕6号", width=24),
        Column("发文单位", "text", width=24),
    ), "各子项目的政策依据，每个文件一行。", required=False),
    Sheet(SHEET_PROGRAMME_SOURCES, (
        _PROGRAMME_KEY,
        Column("来源", "choice", True, tuple(FUND_SOURCE_KINDS)),
        Column("到位数（万元）", "money", True),
        Column("依据文号", "text", width=24),
        Column("备注", "text", width=30),
    ), "各子项目的资金来源（中央、省级、县区级、上年结转……），每个来源一行，单位万元。", required=False),
    Sheet(SHEET_PROGRAMME_EXPENDITURES, (
        _PROGRAMME_KEY,
        Column("支出事项", "text", True, width=30),
        Column("金额（万元）", "money", True),
        Column("备注", "text", width=30),
    ), "各子项目的实际支出，每个事项一行，单位万元；子项目支出 = 各行之和。", required=False),
)
# A department-level self-evaluation (seed 004) adds these two sheets: its project groups with their budget and
# spending (each as the total and the part from the unit's own level), and its 民生实事 tasks. Workbooks without
# them read as before.
SHEET_GROUPS = "部门项目"
SHEET_TASKS = "民生实事"
GROUP_NAME = "项目名称"
DEPARTMENT_SHEETS: tuple[Sheet, ...] = (
    Sheet(SHEET_GROUPS, (
        Column(GROUP_NAME, "text", True, help="如：残疾人康复项目；不能重复。报告的项目表按本表顺序", width=28),
        Column("项目类型", "choice", choices=tuple(PROJECT_TYPES), help="空则为部门专项"),
        Column("资金用途、使用方向", "text", help="各用途及金额的文字说明，如：残疾人托养155万、就业培训22万", width=50),
        Column("预算总额（万元）", "money", True),
        Column("预算其中本级（万元）", "money", help="预算中本级（如区级）资金；空则为0"),
        Column("支出总额（万元）", "money", True, help="含上级资金、调指标等全部支出"),
        Column("支出其中本级（万元）", "money", help="支出中本级资金；空则为0"),
        Column("调整事项", "text", help="支出中包含的调整，如：调指标"),
        Column("调整金额（万元）", "money", help="支出总额中调整事项的金额"),
        Column("调整其中本级（万元）", "money", help="支出本级中调整事项的金额"),
        Column("经费类别", "choice", choices=tuple(FUNDS_CLASSES),
               help="工作经费或专项经费；空则名称含“工作经费”的为工作经费，其余为专项经费"),
    ), "部门整体（单位全年项目支出）时填写：每个项目（或项目组）一行。预算合计、支出合计、本级合计，以及支出中"
       "工作经费与专项经费的划分均由系统计算，不要手写合计；调指标等调整在“调整事项”“调整金额”中注明，"
       "报告中写作“328.187（含调指标23.075万元）”。报告按部门整体自评报告的提纲写作：项目支出资金概况及项目表、"
       "项目绩效目标情况（民生实事任务及完成率在前）、资金使用管理情况、绩效评价工作情况、存在的问题、改进措施、"
       "其他需要说明的问题。“报告文字”表中：主要绩效 = 民生实事之后的各项绩效（每段一项，系统编号）；"
       "组织及管理情况 = 资金使用管理情况；评价实施过程 = 绩效评价工作情况；存在的问题、建议和改进措施每段一条"
       "（系统编号（一）（二）……）；其他需要说明的问题 可另加一行。", required=False),
    Sheet(SHEET_TASKS, (
        Column("类别", "text", help="如：省重点民生实事项目、市级为民办实事项目", width=24),
        Column("任务", "text", True, help="完成的事项，如：困难残疾人家庭无障碍改造", width=36),
        Column("目标数", "decimal", True, help="任务数，如：90"),
        Column("完成数", "decimal", True, help="实际完成数，如：99"),
        Column("单位", "text", help="户、人、个……"),
        Column("说明", "text", help="补充说明，如：1944个月，任务1440个月", width=30),
    ), "民生实事任务，每个任务一行；任务完成率 = 完成数 ÷ 目标数，由系统计算。", required=False),
)
SHAPES = ("项目", "多项目", "部门整体")  # `jixiao template --shape`

SHEET_BY_NAME = {s.name: s for s in (*SHEETS, *PROGRAMME_SHEETS, *DEPARTMENT_SHEETS)}
OPTIONAL_SHEET_ANSWERS = "问卷答卷"  # 答卷编号, 第1题, 第2题 … (letters A–E)
ANSWER_ID_COLUMN = "答卷编号"
ANSWER_SHEET_HELP = (
    "可选，逐份录入满意度答卷：每份答卷一行，“答卷编号”列填编号，“第1题”“第2题”……列填所选选项字母"
    " A–E（小写也可），每份答卷须回答全部题目。填写后各题各选项人数由系统汇总；若“满意度问卷”表也填了人数，"
    "两者必须一致。系统生成的工作簿不含此表，需要时自行添加。"
)


def answer_column(number: int) -> str:
    """Header of the 问卷答卷 column holding the answers to question ``number``."""
    return f"第{number}题"


NARRATIVE_KEYS = (
    "立项背景及目的",
    "实施情况",
    "组织及管理情况",
    "总目标",
    "年度目标说明",
    "评价目的",
    "方案制定过程",
    "评价原则和方法",
    "评价实施过程",
    "局限性",
    "主要绩效",
    "项目决策分析",
    "项目管理分析",
    "项目绩效分析",
    "成本效益分析",
    "主要经验及做法",
    "存在的问题",
    "建议和改进措施",
    "附件说明",
)

RATIO_SOURCE_CHOICES = tuple(RATIO_SOURCES)
