"""Synthetic county-level projects for demos, tests and load benchmarks.

Everything here is invented: counties are real (the shipped Kunming region list), but the
projects, amounts, targets, survey counts, interviews and texts are generated from a seed and
describe no real project or person. The same (n, seed) always gives the same projects.

Each project uses the shipped 昆明ABC indicator tree with every leaf filled the way staff fill
a workbook, so ``scoring.engine.evaluate`` scores it without problems. One hidden
"management quality" per project drives the leaves, the targets, the money and the survey
together, which gives a realistic spread of totals (mostly 良/优, some 中, a few 差).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from jixiao.indicators.templates import load_template
from jixiao.regions.catalog import RegionEntry, load_catalog
from jixiao.scoring.inputs import (
    PROJECT_TYPES,
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
from jixiao.scoring.rules import QUALITATIVE_BAND_LIMITS

TEMPLATE_KEY = "昆明ABC"
SURVEY_PRESET = "昆明三档"
YEARS = range(2019, 2026)
BATCH_SIZE = 100  # projects per transaction when storing: SQLite commits are the slow part

OWNER_DPF = "残疾人联合会"
OWNER_CIVIL = "民政局"


@dataclass(frozen=True)
class _Kind:
    """One kind of county project: what it pays for and how it is usually measured."""

    suffix: str  # project name after the county name
    owner: str  # OWNER_DPF or OWNER_CIVIL
    project_type: str
    divisions: tuple[str, ...]
    per_capita: tuple[int, int]  # 元 per beneficiary and year
    people: tuple[int, int]  # planned beneficiaries
    quantity: tuple[str, str]  # (target name, unit)
    quality_ge: str  # a "≥ %" quality target
    quality_le: str  # a "≤ %" quality target (error rate)
    timeliness: str  # a "≥ %" timeliness target
    benefit: str  # a "≥ %" social-benefit target
    subject: str  # what the beneficiaries receive, for sentences
    sources: tuple[str, ...]  # FUND_SOURCE_KINDS the money usually comes from
    policies: tuple[tuple[str, str, str], ...]  # national/provincial (title, number, issuer)


_KINDS: tuple[_Kind, ...] = (
    _Kind("残疾人康复救助项目", OWNER_DPF, "部门专项", ("康复股", "康复部"), (2000, 6000), (150, 1500),
          ("康复救助人数", "人"), "康复救助对象精准识别率", "康复救助资金发放差错率", "康复服务按期完成率",
          "残疾人基本康复服务覆盖率", "基本康复服务", ("中央", "省级", "县区级", "彩票公益金"),
          (("残疾预防和残疾人康复条例", "", "国务院"),
           ("关于建立残疾儿童康复救助制度的意见", "国发〔2018〕20号", "国务院"))),
    _Kind("困难残疾人生活补贴", OWNER_CIVIL, "对下补助", ("社会事务股", "社会救助股"), (960, 1200), (800, 8000),
          ("补贴发放人数", "人"), "补贴对象认定准确率", "补贴发放差错率", "补贴按月足额发放率",
          "困难残疾人生活补贴应补尽补率", "生活补贴", ("中央", "省级", "县区级"),
          (("国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见", "国发〔2015〕52号", "国务院"),)),
    _Kind("重度残疾人护理补贴", OWNER_CIVIL, "对下补助", ("社会事务股",), (960, 1440), (600, 6000),
          ("护理补贴发放人数", "人"), "护理补贴对象认定准确率", "护理补贴发放差错率", "护理补贴按月足额发放率",
          "重度残疾人护理补贴应补尽补率", "护理补贴", ("中央", "省级", "县区级"),
          (("国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见", "国发〔2015〕52号", "国务院"),)),
    _Kind("城乡居民养老保险个人缴费补助", OWNER_DPF, "对下补助", ("教育就业股", "组联股"), (100, 200),
          (1000, 12000), ("补助参保人数", "人"), "补助对象资格审核准确率", "补助资金发放差错率",
          "补助资金当年发放率", "符合条件残疾人参保覆盖率", "养老保险个人缴费补助", ("市级", "县区级"),
          (("昆明市残疾人保障条例", "", "昆明市人民代表大会常务委员会"),)),
    _Kind("残疾人辅助器具适配项目", OWNER_DPF, "部门专项", ("康复股",), (600, 2500), (100, 1200),
          ("辅助器具适配人数", "人"), "辅助器具适配合格率", "辅助器具适配投诉率", "辅助器具按期发放率",
          "有需求残疾人辅助器具适配率", "辅助器具适配服务", ("中央", "省级", "彩票公益金", "县区级"),
          (("残疾预防和残疾人康复条例", "", "国务院"),)),
    _Kind("残疾人职业技能培训项目", OWNER_DPF, "部门专项", ("教育就业股",), (800, 2500), (50, 600),
          ("培训人次", "人次"), "培训考核合格率", "培训学员流失率", "培训计划按期完成率",
          "参训残疾人就业创业率", "职业技能培训", ("省级", "县区级", "彩票公益金"),
          (("残疾人就业条例", "", "国务院"),)),
    _Kind("特困人员救助供养资金", OWNER_CIVIL, "对下补助", ("社会救助股",), (7000, 13000), (100, 1500),
          ("救助供养人数", "人"), "特困人员认定准确率", "供养资金发放差错率", "供养资金按月发放率",
          "特困人员应养尽养率", "救助供养", ("中央", "省级", "县区级"),
          (("国务院关于进一步健全特困人员救助供养制度的意见", "国发〔2016〕14号", "国务院"),
           ("社会救助暂行办法", "", "国务院"))),
    _Kind("临时救助资金", OWNER_CIVIL, "对下补助", ("社会救助股",), (800, 3000), (200, 3000),
          ("临时救助人次", "人次"), "临时救助对象认定准确率", "临时救助资金发放差错率", "急难型救助当日办结率",
          "困难群众急难问题化解率", "临时救助", ("中央", "省级", "县区级"),
          (("国务院关于全面建立临时救助制度的通知", "国发〔2014〕47号", "国务院"),
           ("社会救助暂行办法", "", "国务院"))),
    _Kind("残疾儿童康复救助项目", OWNER_DPF, "部门专项", ("康复股", "康复部"), (12000, 24000), (30, 300),
          ("残疾儿童康复救助人数", "人"), "定点康复机构服务达标率", "康复救助资金结算差错率",
          "康复训练按疗程完成率", "残疾儿童康复服务覆盖率", "康复救助", ("中央", "省级", "县区级"),
          (("关于建立残疾儿童康复救助制度的意见", "国发〔2018〕20号", "国务院"),)),
    _Kind("贫困重度残疾人家庭无障碍改造项目", OWNER_DPF, "部门专项", ("组联股", "维权股"), (3000, 6000),
          (30, 400), ("无障碍改造户数", "户"), "改造工程验收合格率", "改造工程返工率", "改造工程按期完工率",
          "受益家庭生活便利程度改善率", "家庭无障碍改造", ("中央", "省级", "县区级", "彩票公益金"),
          (("无障碍环境建设法", "", "全国人民代表大会常务委员会"),)),
    _Kind("城乡最低生活保障资金", OWNER_CIVIL, "对下补助", ("社会救助股",), (4000, 8000), (2000, 20000),
          ("保障人数", "人"), "低保对象认定准确率", "低保金发放差错率", "低保金按月足额发放率",
          "低保对象应保尽保率", "最低生活保障", ("中央", "省级", "县区级"),
          (("社会救助暂行办法", "", "国务院"),
           ("最低生活保障审核确认办法", "民发〔2021〕57号", "民政部"))),
    _Kind("残疾人专职委员工作经费", OWNER_DPF, "工作经费", ("组联股",), (1200, 3600), (50, 300),
          ("专职委员补贴发放人数", "人"), "专职委员履职考核合格率", "工作补贴发放差错率", "工作补贴按季度发放率",
          "村（社区）残疾人专职委员配备率", "专职委员工作补贴", ("省级", "县区级"),
          (("关于加强残疾人专职委员队伍建设的意见", "", "中国残疾人联合会"),)),
)
# Every kind's project type must be one the workbook and the database accept.
if any(k.project_type not in PROJECT_TYPES for k in _KINDS):
    raise ValueError("synth_projects: unknown project type in _KINDS")

# (share of projects, lowest quality, highest quality): mostly well run, some middling, a few poor.
_QUALITY_MIX = ((0.42, 0.86, 0.98), (0.38, 0.74, 0.88), (0.15, 0.55, 0.76), (0.05, 0.38, 0.54))

_SURVEY_QUESTIONS = (
    "您对本项目{year}年实施情况的总体评价是：",
    "您对{subject}申请、审核流程便捷程度的评价是：",
    "您对{subject}标准（服务内容）的评价是：",
    "您对{subject}发放（提供）及时性的评价是：",
    "您对经办工作人员服务态度的评价是：",
    "您对政策宣传和公示情况的评价是：",
    "您认为本项目对改善您（家庭）生活的帮助程度如何：",
    "您对救助对象资格审核公平公正的评价是：",
    "您对反映问题后回应和处理情况的评价是：",
    "您对本项目实施效果的总体满意程度是：",
)
# Weights that add up to exactly 100 for the question counts used.
_QUESTION_WEIGHTS = {5: Decimal(20), 8: Decimal("12.5"), 10: Decimal(10)}

_QUALITATIVE_EVIDENCE = {
    "达成": ("资料齐全，符合要求", "经查阅相关文件和台账，执行情况良好", "符合规定，未发现问题"),
    "部分达成": ("基本符合要求，个别环节资料不够完整", "大部分工作按要求完成，仍有改进空间",
             "部分环节执行不到位"),
    "未达成": ("相关资料缺失较多，未能有效落实", "执行情况与要求差距较大", "未能提供充分的佐证资料"),
}
_DEDUCTION_EVIDENCE = ("经核查", "查阅相关文件、台账", "抽查项目资料")
_SHORTFALL_REASONS = ("上级资金下达较晚，部分资金年底前未到位", "县级财力紧张，配套资金未能足额到位")
_BALANCE_REASONS = (
    "部分补助对象资格复核未完成，资金结转下年使用",
    "资金下达时间较晚，部分支出跨年度结算",
    "实际受益人数少于计划数，形成结余",
    "部分采购和服务合同尚未验收结算",
)
_QUANTITY_REASONS = (
    "部分对象因死亡、迁出等原因退出，实际人数少于计划",
    "计划数按上年人数测算，年度内符合条件的申请人数减少",
    "资金下达较晚，部分对象顺延至次年办理",
)
_DEVIATION_REASONS = (
    "资金下达较晚，部分工作顺延至次年",
    "基层经办人员变动，审核工作进度滞后",
    "部分服务机构能力不足，未按计划完成",
    "信息比对机制不完善，部分数据核实不及时",
)


def _counties() -> list[RegionEntry]:
    """Kunming's 18 county-level units (14 counties and districts, 4 functional zones)."""
    return [e for e in load_catalog() if e.level in ("county", "zone") and e.parent == "530100"]


def _wan(yuan: int) -> Decimal:
    """Whole 元 as 万元 with 4 decimals, exactly."""
    return Decimal(yuan).scaleb(-4)


def _pct(value: float, places: int = 1) -> Decimal:
    """A generated percentage as an exact Decimal; the float never leaves this module."""
    return Decimal(round(value, places)).quantize(Decimal(1).scaleb(-places))


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _split(total: int, parts: int, rng: random.Random, minimum: int = 1) -> list[int]:
    """``total`` as ``parts`` positive integers that add up exactly."""
    parts = max(1, min(parts, total // max(minimum, 1)))
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = sum(weights)
    amounts = [max(minimum, int(total * w / scale)) for w in weights[:-1]]
    amounts.append(total - sum(amounts))
    return amounts


class _Builder:
    """Builds one project from its rng and hidden quality ``q`` (0–1)."""

    def __init__(self, rng: random.Random, q: float, county: RegionEntry, year: int, kind: _Kind, name: str,
                 owner_unit: str):
        self.rng, self.q, self.county, self.year, self.kind = rng, q, county, year, kind
        self.name, self.owner_unit = name, owner_unit

    def noisy(self, spread: float = 0.07, shift: float = 0.0) -> float:
        return self.q + shift + self.rng.gauss(0, spread)

    # -- money ------------------------------------------------------------------------------

    def funds(self, people: int) -> tuple[list[FundSource], list[Expenditure], str]:
        rng, kind = self.rng, self.kind
        per_capita = rng.randint(*kind.per_capita)
        budget = int(people * per_capita * rng.uniform(1.0, 1.06))
        if rng.random() < 0.6:  # approved budgets are often round hundreds of yuan
            budget = max(100, round(budget, -2))
        kinds = self._source_kinds()
        shares = _split(budget, len(kinds), rng, minimum=100)
        sources = []
        short_index = None
        if rng.random() < 0.08 + (1 - self.q) * 0.5:
            short_index = rng.randrange(len(shares))
        for i, (source_kind, amount) in enumerate(zip(kinds, shares, strict=True)):
            arrived = amount
            note = ""
            if i == short_index:
                arrived = int(amount * rng.uniform(0.75, 0.98))
                note = rng.choice(_SHORTFALL_REASONS)
            sources.append(FundSource(source_kind, _wan(amount), _wan(arrived), self._document(source_kind), note))
        arrived_total = sum(int(s.arrived.scaleb(4)) for s in sources)
        rate = _clamp(0.70 + (self.q - 0.4) * 0.5 + rng.gauss(0.05, 0.05), 0.70, 1.0)
        if rate > 0.985 and rng.random() < 0.7:
            rate = 1.0
        # Never below 70 % of the budget: at most one source falls short, by at most a quarter.
        spent = min(arrived_total, max(math.ceil(budget * 0.70), int(budget * rate)))
        expenditures = self._expenditures(spent)
        reason = rng.choice(_BALANCE_REASONS) if arrived_total > spent else ""
        return sources, expenditures, reason

    def _source_kinds(self) -> list[str]:
        rng, kind = self.rng, self.kind
        if kind.sources == ("市级", "县区级"):
            # 养老保险缴费补助 follows the city:county cost share of the county (seed 001).
            city_share = (self.county.cost_share or "0:10").split(":")[0]
            kinds = ["县区级"] if city_share == "0" else ["市级", "县区级"]
        else:
            count = rng.randint(1, min(3, len(kind.sources)))
            kinds = sorted(rng.sample(kind.sources, count), key=kind.sources.index)
        if rng.random() < 0.1:
            kinds.append("上年结转")
        return kinds

    def _document(self, source_kind: str) -> str:
        number = self.rng.randint(3, 180)
        prefix = {"中央": "财社", "省级": "云财社", "市级": "昆财社"}.get(source_kind)
        if prefix is None:
            return ""
        return f"{prefix}〔{self.year - (1 if source_kind == '中央' else 0)}〕{number}号"

    def _expenditures(self, spent: int) -> list[Expenditure]:
        rng, subject = self.rng, self.kind.subject
        items = [f"发放{subject}资金（第一批）", f"发放{subject}资金（第二批）", f"发放{subject}资金（第三批）"]
        labels = items[:rng.randint(1, 3)]
        overhead = 0
        if spent > 200_000 and rng.random() < 0.5:
            overhead = int(spent * rng.uniform(0.02, 0.06))  # work costs are a small slice
        amounts = _split(spent - overhead, len(labels), rng, minimum=100)
        if overhead:
            labels.append("宣传、培训及入户核查工作经费")
            amounts.append(overhead)
        out = []
        for i, (label, amount) in enumerate(zip(labels, amounts, strict=True)):
            month = min(12, 2 + i * 4 + rng.randint(0, 3))
            out.append(Expenditure(label, _wan(amount), date(self.year, month, rng.randint(1, 28))))
        return out

    # -- targets ----------------------------------------------------------------------------

    def targets(self, people: int) -> tuple[list[Target], Target, Target, Target]:
        rng, kind, q = self.rng, self.kind, self.q
        name, unit = kind.quantity
        done = _clamp(self.noisy(0.06, 0.08), 0.5, 1.12)
        quantity = Target("产出-数量", name, "≥", Decimal(people), unit, actual=Decimal(round(people * done)))
        if rng.random() < 0.6:
            goal = Decimal(rng.choice((95, 96, 98, 100)))
            quality = Target("产出-质量", kind.quality_ge, "≥", goal, "%",
                             actual=min(Decimal(100), _pct(float(goal) * _clamp(self.noisy(0.04, 0.06), 0.55, 1.05))))
        else:
            goal = Decimal(rng.choice(("0.5", "1", "2")))
            factor = _clamp((1 - q) * 3 + rng.gauss(0.2, 0.2), 0.05, 2.2)
            quality = Target("产出-质量", kind.quality_le, "≤", goal, "%", actual=_pct(float(goal) * factor, 2))
        satisfaction = Target("满意度", "服务对象满意度", "≥", Decimal(rng.choice((85, 90, 90, 95))), "%")
        extra = []
        if rng.random() < 0.6:
            goal = Decimal(rng.choice((90, 95, 100)))
            extra.append(Target("产出-时效", kind.timeliness, "≥", goal, "%",
                                actual=min(Decimal(100), _pct(float(goal) * _clamp(self.noisy(0.05, 0.08), 0.5, 1.1)))))
        if rng.random() < 0.4:
            goal = Decimal(rng.choice((5, 10, 15)))
            extra.append(Target("产出-时效", "审核审批办理时限", "≤", goal, "个工作日",
                                actual=Decimal(max(1, round(float(goal) * _clamp(1.6 - self.noisy(0.15), 0.3, 2.0))))))
        if rng.random() < 0.5:
            goal = Decimal(rng.choice((80, 85, 90, 95)))
            extra.append(Target("效益-社会", kind.benefit, "≥", goal, "%",
                                actual=min(Decimal(100), _pct(float(goal) * _clamp(self.noisy(0.05, 0.07), 0.5, 1.15)))))
        targets = [quantity, quality, *extra[: rng.randint(0, len(extra))], satisfaction]
        for t in targets:
            if t.actual is not None and not _met(t) and rng.random() < 0.8:
                t.deviation_reason = rng.choice(_QUANTITY_REASONS if t is quantity else _DEVIATION_REASONS)
        return targets, quantity, quality, satisfaction

    # -- indicator tree ---------------------------------------------------------------------

    def indicators(self, quantity: Target, quality: Target, satisfaction: Target) -> list[IndicatorRow]:
        rows = load_template(TEMPLATE_KEY)
        for row in rows:
            if not row.rule:
                continue
            if row.rule == "qualitative":
                self._qualitative(row)
            elif row.rule == "deduction":
                self._deduction(row)
            elif row.rule == "computed_ratio":
                row.evidence = "根据资金来源和支出明细计算"
            elif row.rule == "ratio" and row.code.startswith("C11"):
                row.linked = quantity.name
                row.evidence = f"关联绩效目标“{quantity.name}”"
            elif row.rule == "ratio" and row.code.startswith("C12"):
                row.linked = quality.name
                row.evidence = f"关联绩效目标“{quality.name}”"
                if quality.operator == "≤":
                    row.rule = "lower_better"  # the template says so for error-rate targets
            elif row.rule == "survey":
                row.linked = satisfaction.name
                row.evidence = "根据服务对象满意度问卷调查结果"
            else:  # a rule this generator does not know yet: score it by hand, inside the weight
                row.rule = "manual"
                row.manual_score = self._tenths(row.weight, _clamp(self.noisy(), 0, 1))
        return rows

    @staticmethod
    def _tenths(weight: Decimal, fraction: float) -> Decimal:
        """weight × fraction, rounded down to 0.1 so it never exceeds the weight."""
        return Decimal(math.floor(float(weight) * fraction * 10 + 1e-9)).scaleb(-1)

    def _qualitative(self, row: IndicatorRow) -> None:
        score = self._tenths(row.weight, _clamp(self.noisy(0.08, 0.02), 0.2, 1.0))
        rate = Fraction(score) / Fraction(row.weight)
        # The band follows from the score, so the two can never disagree with the rule's limits
        # (bands are listed highest first; the last one starts at 0).
        band = next(b for b, (low, _high, _incl) in QUALITATIVE_BAND_LIMITS.items() if rate >= low)
        row.band, row.manual_score = band, score
        row.evidence = self.rng.choice(_QUALITATIVE_EVIDENCE[band])

    def _deduction(self, row: IndicatorRow) -> None:
        chance = max(0.0, (1 - self.q) * 0.9 - 0.03)
        missing = sum(1 for _ in range(3) if self.rng.random() < chance)
        row.missing_items = missing
        lead = self.rng.choice(_DEDUCTION_EVIDENCE)
        row.evidence = f"{lead}，未发现问题" if missing == 0 else f"{lead}，发现{missing}处不符合要求"

    # -- survey, interviews, texts ----------------------------------------------------------

    def survey(self) -> Survey:
        rng = self.rng
        count = rng.choice(tuple(_QUESTION_WEIGHTS))
        respondents = rng.randint(30, 150)
        share_a = _clamp(self.noisy(0.08, -0.1), 0.05, 0.97)
        share_c = _clamp((1 - self.q) * 0.5 + rng.gauss(0, 0.03), 0.0, 0.6)
        questions = []
        for number, text in enumerate(_SURVEY_QUESTIONS[:count], 1):
            a = round(respondents * _clamp(share_a + rng.gauss(0, 0.04), 0.0, 1.0))
            c = min(respondents - a, round(respondents * _clamp(share_c + rng.gauss(0, 0.02), 0.0, 1.0)))
            counts = {"A": a, "B": respondents - a - c, "C": c}
            questions.append(SurveyQuestion(
                number, text.format(year=self.year, subject=self.kind.subject), _QUESTION_WEIGHTS[count],
                {k: v for k, v in counts.items() if v},
            ))
        return Survey(
            title=f"{self.county.name}{self.year}年{self.kind.suffix}服务对象满意度调查问卷",
            coefficients=dict(PRESETS[SURVEY_PRESET]), preset=SURVEY_PRESET, questions=questions,
        )

    def interviews(self, start: date) -> list[Interview]:
        rng, subject = self.rng, self.kind.subject
        office = self.owner_unit
        pool = [
            Interview("项目实施情况", f"{subject}按照申请、审核、公示、发放的流程实施，台账按年度整理归档。",
                      f"{office}项目负责人", "项目负责人", "座谈"),
            Interview("资金管理", "资金实行专账核算、专款专用，通过“一卡通”直接发放到受益对象账户。",
                      f"{office}财务人员", "财务人员", "开放性访谈"),
            Interview("受益对象感受", f"{subject}减轻了家庭负担，希望进一步简化办理手续、加强政策宣传。",
                      "受益对象代表", "受益对象代表", "入户访谈"),
            Interview("基层经办情况", "乡镇（街道）经办人员身兼多职，入户核查和动态管理工作量较大。",
                      "乡镇（街道）经办人员", "基层经办人员", "电话访谈"),
        ]
        chosen = rng.sample(pool, rng.randint(1, 3))
        for v in chosen:
            v.held_on = start + timedelta(days=rng.randint(2, 15))
        return chosen

    def policies(self) -> list[PolicyDocument]:
        rng = self.rng
        docs = [PolicyDocument(title, number, issuer) for title, number, issuer in self.kind.policies]
        docs.append(PolicyDocument(
            f"关于下达{self.year}年{self.kind.subject}资金的通知",
            f"{self.county.short_name[0]}财社〔{self.year}〕{rng.randint(1, 99)}号", f"{self.county.name}财政局",
        ))
        if rng.random() < 0.5:
            docs.append(PolicyDocument(f"{self.county.name}{self.year}年度{self.kind.suffix}实施方案", "",
                                       self.owner_unit))
        return docs

    def narrative(self, targets: list[Target], execution_low: bool) -> dict[str, str]:
        k, c, y = self.kind, self.county.name, self.year
        problems = []
        if execution_low:
            problems.append("预算执行进度偏慢，部分资金未能在年度内支出，形成结转结余。")
        if any(t.actual is not None and not _met(t) for t in targets):
            problems.append("个别绩效目标未能全部完成，目标设定与实际工作量的衔接还需加强。")
        problems.append("政策宣传覆盖面不够，部分服务对象对申请条件和办理流程了解不多。")
        if self.q < 0.8:
            problems.append("档案台账管理不够规范，部分审核材料缺失。")
        return {
            "立项背景及目的": f"为落实残疾人和困难群众社会保障相关政策，{c}设立{k.suffix}，"
                       f"通过{k.subject}切实减轻服务对象家庭负担，保障其基本生活和发展权益。",
            "实施情况": f"{y}年，{self.owner_unit}按照实施方案组织开展{k.subject}工作，"
                    "由村（社区）受理初审、乡镇（街道）复核、县级审批后公示发放。",
            "主要绩效": f"项目的实施使符合条件的服务对象及时获得{k.subject}，"
                    "基本生活和服务需求得到进一步保障，社会效益较好。",
            "存在的问题": "\n".join(f"{i}.{p}" for i, p in enumerate(problems, 1)),
            "建议和改进措施": "1.加快预算执行进度，加强资金使用全过程监管。\n"
                       "2.加大政策宣传力度，简化办理流程。\n3.完善档案台账管理，推进信息化动态管理。",
        }


def _met(t: Target) -> bool:
    if t.operator == "≤":
        return t.actual <= t.target
    return t.actual >= t.target


def _quality(rng: random.Random) -> float:
    pick = rng.random()
    for share, low, high in _QUALITY_MIX:
        if pick < share:
            return rng.uniform(low, high)
        pick -= share
    return rng.uniform(*_QUALITY_MIX[-1][1:])


def synth_project_inputs(n: int, seed: int) -> Iterator[ProjectInput]:
    """``n`` invented county-level projects, the same for the same seed.

    (owner unit, year, name) is unique across the ``n`` projects: a repeated combination gets
    “（第2批）”, “（第3批）” … as real second allocations of a year are named."""
    master = random.Random(seed)
    counties = _counties()
    used: set[tuple[str, int, str]] = set()
    for _ in range(n):
        county = master.choice(counties)
        year = master.choice(YEARS)
        kind = master.choice(_KINDS)
        owner_unit = f"{county.name}{kind.owner}"
        name = f"{county.name}{kind.suffix}"
        batch = 1
        while (owner_unit, year, name) in used:
            batch += 1
            name = f"{county.name}{kind.suffix}（第{batch}批）"
        used.add((owner_unit, year, name))
        # Each project draws from its own stream, so the details of one never shift another's.
        rng = random.Random(master.getrandbits(64))
        yield _build(rng, county, year, kind, name, owner_unit, seed)


def _build(rng: random.Random, county: RegionEntry, year: int, kind: _Kind, name: str, owner_unit: str,
           seed: int) -> ProjectInput:
    q = _quality(rng)
    b = _Builder(rng, q, county, year, kind, name, owner_unit)
    people = rng.randint(*kind.people)
    sources, expenditures, balance_reason = b.funds(people)
    targets, quantity, quality, satisfaction = b.targets(people)
    budget = sum((s.budget for s in sources), Decimal(0))
    spent = sum((e.amount for e in expenditures), Decimal(0))
    start = date(year + 1, rng.randint(3, 5), rng.randint(1, 20))
    end = start + timedelta(days=rng.randint(20, 40))
    return ProjectInput(
        name=name,
        year=year,
        owner_unit=owner_unit,
        division=rng.choice(kind.divisions),
        project_type=kind.project_type,
        region_code=county.code,
        region_name=county.name,
        template=TEMPLATE_KEY,
        evaluation_start=start,
        evaluation_end=end,
        report_unit=owner_unit,
        report_date=end + timedelta(days=rng.randint(3, 15)),
        balance_reason=balance_reason,
        beneficiary_target=quantity.name,
        demo_note=f"本项目为系统生成的虚构数据（种子 {seed}），不对应任何真实项目、单位数据或个人。",
        policies=b.policies(),
        fund_sources=sources,
        expenditures=expenditures,
        targets=targets,
        indicators=b.indicators(quantity, quality, satisfaction),
        survey=b.survey(),
        interviews=b.interviews(start),
        narrative=b.narrative(targets, execution_low=spent < budget * Decimal("0.9")),
    )


def _units_prepare(projects: list[ProjectInput]) -> None:
    """Create the owner units with their kind and county before the store service would create
    them as “其他” without a region; existing units are left as they are."""
    from jixiao.organizations.models import Unit
    from jixiao.regions.models import Region

    regions = {r.code: r for r in Region.objects.filter(code__in={p.region_code for p in projects})}
    existing = set(Unit.objects.filter(name__in={p.owner_unit for p in projects}).values_list("name", flat=True))
    new = {}
    for p in projects:
        if p.owner_unit in existing or p.owner_unit in new:
            continue
        kind = Unit.Kind.DISABILITY_FEDERATION if p.owner_unit.endswith(OWNER_DPF) else Unit.Kind.CIVIL_AFFAIRS
        new[p.owner_unit] = Unit(name=p.owner_unit, kind=kind, region=regions.get(p.region_code))
    Unit.objects.bulk_create(new.values())


def synth_projects_store(n: int, seed: int, *, actor=None, progress=None) -> int:
    """Generate, evaluate and store ``n`` projects; returns how many were stored.

    Storing goes through ``evaluation_store`` (units, project, children, evaluation,
    change record), one transaction per ``BATCH_SIZE`` projects. The same seed stored twice
    updates the same projects and adds a second evaluation to each. ``progress(done, n)`` is
    called after each batch when given."""
    from django.db import transaction

    from jixiao.evaluations.services import evaluation_store

    stored = 0
    batch: list[ProjectInput] = []

    def flush() -> None:
        nonlocal stored
        with transaction.atomic():
            _units_prepare(batch)
            for data in batch:
                evaluation_store(actor=actor, project_input=data, source=f"synth-{seed}")
        stored += len(batch)
        batch.clear()
        if progress:
            progress(stored, n)

    for data in synth_project_inputs(n, seed):
        batch.append(data)
        if len(batch) >= BATCH_SIZE:
            flush()
    if batch:
        flush()
    return stored


def synth_projects_timed(n: int, seed: int, *, actor=None) -> tuple[int, float]:
    """(stored, seconds) — what the ``jixiao synth projects`` command reports."""
    started = time.perf_counter()
    stored = synth_projects_store(n, seed, actor=actor)
    return stored, time.perf_counter() - started


__all__ = ["synth_project_inputs", "synth_projects_store", "synth_projects_timed"]
