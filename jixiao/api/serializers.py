"""Shapes of the API's answers and requests.

Printed figures (scores, 万元 amounts, rates) are read from ``Evaluation.figures`` — the dict the
report is printed from — so the API and the report show the same strings. The nested serializers
below describe that dict for the OpenAPI document; they add no arithmetic."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jixiao.changelog.models import ChangeRecord
from jixiao.scoring.inputs import PROJECT_TYPES

_FIGURES = "current_evaluation.figures"


def _text(**kw):
    return serializers.CharField(read_only=True, **kw)


# ---- errors ------------------------------------------------------------------------------------

class DetailSerializer(serializers.Serializer):
    detail = _text(help_text="说明（中文）")


class ProblemSerializer(serializers.Serializer):
    """One located problem with the input (工作表/行/列/说明), as the workbook reader reports it."""

    sheet = _text(help_text="工作表")
    row = serializers.IntegerField(read_only=True, allow_null=True, help_text="行号（与 Excel 一致，表头为第1行）")
    column = _text(allow_null=True, help_text="列名")
    message = _text(help_text="问题说明")
    file = _text(help_text="文件名")
    text = serializers.SerializerMethodField(help_text="完整的定位说明，可直接展示给用户")

    def get_text(self, problem) -> str:
        return str(problem)


class ProblemListSerializer(serializers.Serializer):
    """Documentation only: a JSON list of ``ProblemSerializer`` items (see ``jixiao.api.schema``)."""


# ---- figures (as printed) ----------------------------------------------------------------------

class FundKindSerializer(serializers.Serializer):
    kind = _text(help_text="资金来源")
    budget = _text(help_text="预算数（万元）")
    arrived = _text(help_text="到位数（万元）")


class ExpenditureFigureSerializer(serializers.Serializer):
    item = _text(help_text="支出事项")
    amount = _text(help_text="金额（万元）")
    note = _text(help_text="备注")


class FundsSerializer(serializers.Serializer):
    unit = _text(help_text="金额单位（万元）")
    budget = _text(help_text="预算数")
    arrived = _text(help_text="到位数")
    spent = _text(help_text="支出数")
    balance = _text(help_text="结转结余")
    balance_reason = _text(help_text="结转结余原因")
    arrival_rate = _text(help_text="资金到位率，如“100.00%”，无法计算时为“—”")
    execution_rate = _text(help_text="预算执行率")
    by_kind = FundKindSerializer(many=True, read_only=True)
    expenditures = ExpenditureFigureSerializer(many=True, read_only=True)


class TargetFigureSerializer(serializers.Serializer):
    category = _text(help_text="指标类别")
    name = _text(help_text="指标名称")
    operator = _text(help_text="比较符")
    target = _text(help_text="目标值")
    unit = _text(help_text="单位")
    actual = _text(help_text="实际值")
    completion = _text(help_text="完成率（可计算时）")
    met = _text(help_text="“达标”“未达标”，或空（无法判定）")
    deviation_reason = _text(help_text="偏差原因")


class Level1Serializer(serializers.Serializer):
    code = _text()
    name = _text()
    weight = _text(help_text="权重分")
    score = _text(help_text="得分")
    deduction = _text(help_text="扣分")
    rate = _text(help_text="得分率")


class SurveyOptionSerializer(serializers.Serializer):
    letter = _text()
    label = _text()


def _by_option(child):
    return serializers.DictField(child=child, read_only=True, help_text="选项字母 A–E → 值")


class SurveyQuestionFigureSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    text = _text()
    weight = _text()
    respondents = serializers.IntegerField(read_only=True)
    counts = _by_option(serializers.IntegerField())
    shares = _by_option(serializers.CharField())
    option_scores = _by_option(serializers.CharField())
    score = _text()


class SurveyFigureSerializer(serializers.Serializer):
    title = _text()
    respondents = serializers.IntegerField(read_only=True, help_text="有效问卷数")
    options = SurveyOptionSerializer(many=True, read_only=True)
    options_used = serializers.ListField(child=serializers.CharField(), read_only=True)
    coefficients = _by_option(serializers.CharField())
    questions = SurveyQuestionFigureSerializer(many=True, read_only=True)
    total_counts = _by_option(serializers.IntegerField())
    total_answers = serializers.IntegerField(read_only=True)
    total_shares = _by_option(serializers.CharField())
    total_option_scores = _by_option(serializers.CharField())
    total = _text(help_text="满意度综合得分")
    max_total = _text()
    rounding_note = _text(help_text="舍入说明（各题显示值之和与合计不一致时）")


class PolicyFigureSerializer(serializers.Serializer):
    title = _text()
    number = _text(help_text="文号")
    citation = _text(help_text="报告中的引用写法")


class ProgrammeSourceFigureSerializer(serializers.Serializer):
    kind = _text(help_text="资金来源")
    words = _text(help_text="报告中的写法，如“中央资金”")
    amount = _text(help_text="到位数（万元）")
    document = _text(help_text="依据文号")
    note = _text(help_text="备注")


class ProgrammeFigureSerializer(serializers.Serializer):
    no = serializers.IntegerField(read_only=True, help_text="序号")
    name = _text(help_text="子项目名称")
    policies = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="政策依据（引用写法）")
    sources = ProgrammeSourceFigureSerializer(many=True, read_only=True)
    expenditures = ExpenditureFigureSerializer(many=True, read_only=True)
    total = _text(help_text="资金合计（各来源之和，万元）")
    spent = _text(help_text="支出合计（万元）")
    balance = _text(help_text="结余＝资金合计－支出合计（万元）")
    balance_reason = _text(help_text="结余原因")
    households = _text(help_text="全年救助户数")
    persons = _text(help_text="全年救助人数")
    monthly_households = _text(help_text="月均救助户数")
    monthly_persons = _text(help_text="月均救助人数")
    standard = _text(help_text="保障标准")


class ProjectGroupFigureSerializer(serializers.Serializer):
    no = serializers.IntegerField(read_only=True, help_text="序号")
    name = _text(help_text="项目名称")
    kind = _text(help_text="项目类型")
    purpose = _text(help_text="资金用途、使用方向")
    funds_class = _text(help_text="经费类别：工作经费或专项经费")
    budget = _text(help_text="预算总额（万元）")
    budget_own = _text(help_text="预算其中本级（万元）")
    spent = _text(help_text="支出总额（万元）")
    spent_own = _text(help_text="支出其中本级（万元）")
    adjustment = _text(help_text="调整事项，如“调指标”")
    adjustment_spent = _text(help_text="支出总额中的调整金额（万元）")
    adjustment_spent_own = _text(help_text="支出本级中的调整金额（万元）")
    spent_text = _text(help_text="报告中的写法，如“328.187（含调指标23.075万元）”")
    spent_own_text = _text(help_text="报告中的写法（本级）")


class LivelihoodTaskFigureSerializer(serializers.Serializer):
    category = _text(help_text="类别，如“省重点民生实事项目”")
    name = _text(help_text="任务")
    target = _text(help_text="目标数")
    actual = _text(help_text="完成数")
    unit = _text(help_text="单位")
    note = _text(help_text="说明")
    completion = _text(help_text="完成率＝完成数÷目标数，如“110.00%”")


class DepartmentTotalSerializer(serializers.Serializer):
    budget = _text(help_text="预算合计（万元）")
    budget_own = _text(help_text="预算本级合计（万元）")
    spent = _text(help_text="支出合计（万元）")
    spent_own = _text(help_text="支出本级合计（万元）")
    work_funds = _text(help_text="支出中的工作经费（万元）")
    special_funds = _text(help_text="支出中的专项经费（万元）")
    budget_count = serializers.IntegerField(read_only=True, help_text="有预算的项目数")
    spent_count = serializers.IntegerField(read_only=True, help_text="有支出的项目数")


class DepartmentFigureSerializer(serializers.Serializer):
    own_level = _text(help_text="本级的称谓，如“区级”")
    groups = ProjectGroupFigureSerializer(many=True, read_only=True)
    tasks = LivelihoodTaskFigureSerializer(many=True, read_only=True)
    total = DepartmentTotalSerializer(read_only=True)


# ---- projects ----------------------------------------------------------------------------------

class RegionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="区划编号，列表筛选参数 region 用它")
    code = _text(help_text="区划代码")
    name = _text()


class ProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = _text(help_text="项目名称")
    year = serializers.IntegerField(read_only=True, help_text="年度")
    project_type = _text(help_text="项目类型")
    owner_unit = _text(source="owner_unit.name", help_text="主管单位")
    region = RegionSerializer(read_only=True)
    total_score = _text(source=f"{_FIGURES}.total_score", allow_null=True,
                        help_text="总分，报告中的写法（如“95.20”）；尚未评价时为 null")
    grade = _text(source=f"{_FIGURES}.grade", allow_null=True, help_text="等级（优/良/中/差）")
    evaluated_at = serializers.DateTimeField(source="current_evaluation.evaluated_at", read_only=True,
                                             allow_null=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:project-detail")


class ProjectDetailSerializer(ProjectSerializer):
    full_marks = _text(source=f"{_FIGURES}.full_marks", allow_null=True, help_text="满分")
    funds = FundsSerializer(source=f"{_FIGURES}.funds", read_only=True, allow_null=True)
    targets = TargetFigureSerializer(source=f"{_FIGURES}.targets", many=True, read_only=True, allow_null=True)
    level1 = Level1Serializer(source=f"{_FIGURES}.level1", many=True, read_only=True, allow_null=True)
    survey = SurveyFigureSerializer(source=f"{_FIGURES}.survey", read_only=True, allow_null=True)
    policies = PolicyFigureSerializer(source=f"{_FIGURES}.policies", many=True, read_only=True, allow_null=True)
    programmes = ProgrammeFigureSerializer(source=f"{_FIGURES}.programmes", many=True, read_only=True, allow_null=True,
                                           help_text="子项目（多项目时），单一项目为 null")
    department = DepartmentFigureSerializer(source=f"{_FIGURES}.department", read_only=True, allow_null=True,
                                            help_text="部门整体项目的项目表、合计和民生实事，其他项目为 null")


class ProjectQuerySerializer(serializers.Serializer):
    """The list's filters (query string)."""

    q = serializers.CharField(required=False, allow_blank=True, help_text="项目名称或主管单位包含的文字")
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2999, help_text="年度")
    region = serializers.IntegerField(required=False, min_value=1,
                                      help_text="区划编号（region.id）：该区划及其下级的项目")
    grade = serializers.CharField(required=False, allow_blank=True, help_text="等级，如“优”")
    project_type = serializers.ChoiceField(choices=PROJECT_TYPES, required=False, help_text="项目类型")


class WorkbookUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="项目工作簿（.xlsx，用“jixiao template”或工作台下载的模板填写）")


# ---- evaluation --------------------------------------------------------------------------------

class IndicatorInputsSerializer(serializers.Serializer):
    linked = _text(help_text="关联数据（绩效目标名称或资金到位率等）")
    operator = _text(help_text="比较符")
    target = _text(allow_null=True, help_text="目标值")
    actual = _text(allow_null=True, help_text="实际值")
    per_item = _text(allow_null=True, help_text="每项扣分")
    missing_items = serializers.IntegerField(read_only=True, allow_null=True, help_text="缺项数")
    band = _text(help_text="定性等级")
    manual_score = _text(allow_null=True, help_text="手工得分")


# Field → the column users know it by (as in the workbook's 指标评分 sheet).
EDITABLE_FIELDS = {"manual_score": "得分", "band": "定性等级", "missing_items": "缺项数", "actual": "实际值",
                   "evidence": "评分依据"}


class IndicatorNodeSerializer(serializers.Serializer):
    code = _text(help_text="指标编码")
    parent = _text(allow_null=True, help_text="上级指标编码；一级指标为 null")
    level = serializers.IntegerField(read_only=True, help_text="层级（一级为1）")
    name = _text(help_text="指标名称")
    is_leaf = serializers.BooleanField(read_only=True, help_text="末级指标")
    individual = serializers.BooleanField(read_only=True, help_text="个性指标")
    weight = _text(help_text="权重分（报告写法）")
    score = _text(allow_null=True, help_text="得分（报告写法）")
    deduction = _text(allow_null=True, help_text="扣分")
    rate = _text(allow_null=True, help_text="得分率")
    rule = _text(help_text="评分规则（内部键，如 manual、computed_ratio；非末级为空）")
    rule_label = _text(help_text="评分规则（中文，如“手工”“计算比率”）")
    basis = _text(help_text="评分依据（含计算过程，报告中的写法）")
    evidence = _text(help_text="评分依据（录入）")
    inputs = IndicatorInputsSerializer(read_only=True, help_text="评分规则的录入值")
    editable = serializers.ListField(
        child=serializers.ChoiceField(choices=list(EDITABLE_FIELDS.items())), read_only=True,
        help_text="可通过 PATCH 修改的字段；计算得出的得分不可手工修改",
    )


class EvaluationSerializer(serializers.Serializer):
    project = serializers.IntegerField(read_only=True, source="project_id", help_text="项目编号")
    evaluated_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    total_score = _text(source="figures.total_score", help_text="总分（报告写法）")
    full_marks = _text(source="figures.full_marks")
    grade = _text(source="figures.grade")
    indicators = IndicatorNodeSerializer(many=True, read_only=True, help_text="指标树，按报告顺序")


class IndicatorUpdateSerializer(serializers.Serializer):
    """The inputs of one leaf a person may change; omitted fields stay as they are, an empty
    string clears a value."""

    manual_score = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                         help_text="得分（手工、定性指标）")
    band = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                 help_text="定性等级：达成、部分达成、未达成")
    missing_items = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                          help_text="缺项数（扣分指标）")
    actual = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                   help_text="实际值（未关联绩效目标的比率、达标、越低越好指标）")
    evidence = serializers.CharField(required=False, allow_blank=True, allow_null=True, help_text="评分依据")


class IndicatorUpdateResultSerializer(serializers.Serializer):
    code = _text()
    name = _text()
    score = _text(help_text="该指标的新得分")
    total_score = _text(help_text="新的总分")
    full_marks = _text()
    grade = _text(help_text="新的等级")


# ---- change records ----------------------------------------------------------------------------

@extend_schema_field({
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string", "nullable": True},
                             "minItems": 2, "maxItems": 2},
    "description": "字段（中文）→ [原值, 新值]",
})
class ChangesField(serializers.JSONField):
    pass


class ChangeRecordSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True, help_text="操作（中文）")
    changes = ChangesField(read_only=True)

    class Meta:
        model = ChangeRecord
        fields = ["id", "actor_label", "at", "action", "action_label", "object_type", "object_label", "changes", "note"]
        read_only_fields = fields
