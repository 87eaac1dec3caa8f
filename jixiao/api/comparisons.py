"""REST endpoints of the roster comparison: rosters (upload, list), comparison runs (start as a job, list, read)
and their findings (the work list: list with filters, read, set status, assign). Scoped like the 比对 pages
(``jixiao.rosters.selectors``): 404 for what the user may not see, 403 for what they may see but not change."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from jixiao.api.jobs import JobSerializer, job_data
from jixiao.api.serializers import DetailSerializer, ProblemListSerializer, ProblemSerializer
from jixiao.common.pii import mask_resident_id
from jixiao.common.problems import Problem
from jixiao.comparison.kinds import FINDING_KINDS, KINDS, UPLOAD_KINDS
from jixiao.jobs.models import Job
from jixiao.rosters import selectors, services
from jixiao.rosters.forms import RosterUploadForm
from jixiao.rosters.workflow import FindingStatus

_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="编号")
_NOT_LOGGED_IN = OpenApiResponse(DetailSerializer, description="未登录，或您的角色不查看名册比对")
_NOT_VISIBLE = OpenApiResponse(DetailSerializer, description="没有这一项，或您无权查看")
_TAG_RUNS, _TAG_FINDINGS = "名册比对", "比对工作清单"


def _may_view(request) -> None:
    if not selectors.may_view(request.user):
        raise PermissionDenied("您的角色不查看名册比对")


class RegionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


def _region(region) -> dict | None:
    return {"id": region.pk, "code": region.code, "name": region.name} if region else None


class RosterSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(read_only=True, choices=[(k, KINDS[k].title) for k in UPLOAD_KINDS])
    kind_label = serializers.CharField(read_only=True)
    file_name = serializers.CharField(read_only=True)
    sha256 = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True, help_text="字节")
    rows = serializers.IntegerField(read_only=True, allow_null=True, help_text="数据行数")
    region = RegionRefSerializer(read_only=True, allow_null=True)
    uploaded_by = serializers.CharField(read_only=True)
    uploaded_at = serializers.DateTimeField(read_only=True)


def roster_data(roster) -> dict:
    return {"id": roster.pk, "kind": roster.kind, "kind_label": KINDS[roster.kind].title, "file_name": roster.file_name,
            "sha256": roster.sha256, "size": roster.size, "rows": roster.rows, "region": _region(roster.region),
            "uploaded_by": roster.uploaded_by_label, "uploaded_at": roster.uploaded_at}


class RosterUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k, KINDS[k].title) for k in UPLOAD_KINDS], help_text="名册类型")
    file = serializers.FileField(help_text=".xlsx、.xls、.csv（UTF-8 或 GB18030）或 .parquet，列名见交换格式")


class RosterListView(GenericAPIView):
    serializer_class = RosterSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=[_TAG_RUNS], summary="已上传的部门名册", description="您辖区内上传的名册，新的在前，分页。",
                   responses={200: RosterSerializer(many=True), 403: _NOT_LOGGED_IN})
    def get(self, request):
        page = self.paginate_queryset(selectors.rosters_visible(request.user))
        return self.get_paginated_response([roster_data(r) for r in page])

    @extend_schema(tags=[_TAG_RUNS], summary="上传部门名册",
                   description="上传时即按比对的读法检查（必需的列、身份证号不是数字格式、大小上限）；"
                               "无法使用的文件整份拒收（400，说明哪一列、哪一行、为什么）。市级、县级用户及管理员可上传。",
                   request={"multipart/form-data": RosterUploadSerializer},
                   responses={201: RosterSerializer, 400: OpenApiResponse(ProblemListSerializer, description="文件无法使用"),
                              403: OpenApiResponse(DetailSerializer, description="未登录，或您的角色不能上传名册")})
    def post(self, request):
        form = RosterUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            problems = [Problem(request.FILES["file"].name if "file" in request.FILES else "", None, field, str(m))
                        for field, messages in form.errors.items() for m in messages]
            return Response(ProblemSerializer(problems, many=True).data, status=status.HTTP_400_BAD_REQUEST)
        try:
            roster = services.roster_upload(actor=request.user, kind=form.cleaned_data["kind"],
                                            upload=form.cleaned_data["file"])
        except services.RostersDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except services.RosterInvalid as exc:
            problem = Problem(form.cleaned_data["file"].name, None, "file", str(exc))
            return Response(ProblemSerializer([problem], many=True).data, status=status.HTTP_400_BAD_REQUEST)
        return Response(roster_data(roster), status=status.HTTP_201_CREATED)


class RunSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    year = serializers.IntegerField(read_only=True)
    region = RegionRefSerializer(read_only=True, allow_null=True, help_text="比对区划（发起人的区划）")
    status = serializers.ChoiceField(read_only=True, choices=[("queued", "排队中"), ("running", "运行中"),
                                                              ("done", "已完成"), ("failed", "失败")])
    is_current = serializers.BooleanField(read_only=True, help_text="是否为该区划该年度最新的比对（工作清单）")
    started_by = serializers.CharField(read_only=True)
    started_at = serializers.DateTimeField(read_only=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)
    inputs = serializers.ListField(child=serializers.DictField(), read_only=True,
                                   help_text="输入文件：kind、file、sha256、rows")
    rules_version = serializers.CharField(read_only=True)
    rules_digest = serializers.CharField(read_only=True)
    counts = serializers.DictField(read_only=True, help_text="total、by_kind、by_programme、by_county")
    carried_over = serializers.IntegerField(read_only=True, help_text="沿用上次比对核实结果的发现数")
    message = serializers.CharField(read_only=True)
    job = serializers.IntegerField(read_only=True, allow_null=True, help_text="后台任务编号（进度见 /api/jobs/{id}/）")
    findings = serializers.CharField(read_only=True, help_text="这次比对的发现（API）")


def run_data(request, run) -> dict:
    return {"id": run.pk, "year": run.year, "region": _region(run.region), "status": run.state,
            "is_current": run.is_current, "started_by": run.started_by_label, "started_at": run.started_at,
            "finished_at": run.finished_at, "inputs": run.inputs, "rules_version": run.rules_version,
            "rules_digest": run.rules_digest, "counts": run.counts, "carried_over": run.carried_over,
            "message": run.message, "job": run.job_id,
            "findings": request.build_absolute_uri(reverse("api:finding-list")) + f"?run={run.pk}"}


class RunStartSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="比对年度")
    rosters = serializers.ListField(child=serializers.IntegerField(), allow_empty=False,
                                    help_text="部门名册编号（每种一份，见 GET /api/rosters/）")


class RunStartAnswerSerializer(serializers.Serializer):
    run = RunSerializer(read_only=True)
    job = JobSerializer(read_only=True)


class RunListView(GenericAPIView):
    serializer_class = RunSerializer
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=[_TAG_RUNS], summary="比对记录", description="您辖区的比对（市级、县级、财政；管理员全部），新的在前。",
                   responses={200: RunSerializer(many=True), 403: _NOT_LOGGED_IN})
    def get(self, request):
        _may_view(request)
        page = self.paginate_queryset(selectors.runs_visible(request.user))
        return self.get_paginated_response([run_data(request, r) for r in page])

    @extend_schema(tags=[_TAG_RUNS], summary="发起比对（后台任务）",
                   description="以您辖区内的登记库比对所选名册，立即答复 202：比对记录与后台任务；进度见任务，完成后"
                               "比对记录 status 为 done，发现见 findings。市级、县级用户及管理员可发起。",
                   request=RunStartSerializer,
                   responses={202: RunStartAnswerSerializer, 400: OpenApiResponse(DetailSerializer, description="参数有误"),
                              403: OpenApiResponse(DetailSerializer, description="未登录，或您的角色不能发起比对，或名册不在辖区")})
    def post(self, request):
        start = RunStartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        chosen = start.validated_data["rosters"]
        rosters = list(selectors.rosters_visible(request.user).filter(pk__in=chosen))
        if len(rosters) != len(set(chosen)):
            raise PermissionDenied("所选名册不在您的辖区内，或不存在")
        try:
            run = services.comparison_start(actor=request.user, year=start.validated_data["year"], rosters=rosters)
        except services.RostersDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except services.RosterInvalid as exc:
            raise ValidationError({"detail": str(exc)}) from None
        job = Job.objects.get(pk=run.job_id)
        return Response({"run": run_data(request, run), "job": job_data(request, job)}, status=status.HTTP_202_ACCEPTED,
                        headers={"Location": request.build_absolute_uri(reverse("api:comparison-detail", args=[run.pk]))})


class RunDetailView(GenericAPIView):
    serializer_class = RunSerializer

    @extend_schema(tags=[_TAG_RUNS], summary="比对详情", parameters=[_ID],
                   description="输入文件及其校验和、规则版本、各类发现数量。",
                   responses={200: RunSerializer, 403: _NOT_LOGGED_IN, 404: _NOT_VISIBLE})
    def get(self, request, pk: int):
        return Response(run_data(request, selectors.run_get_visible(user=request.user, pk=pk)))


class FindingSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    run = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(read_only=True, choices=list(FINDING_KINDS.items()))
    kind_label = serializers.CharField(read_only=True)
    programme = serializers.CharField(read_only=True, help_text="pension、medical 或空")
    roster = serializers.CharField(read_only=True, help_text="名册类型（身份证号有误、重复登记、疑似录入错误）")
    row = serializers.IntegerField(read_only=True, allow_null=True, help_text="该名册中的行号（表头为第1行）")
    id_number = serializers.CharField(read_only=True, help_text="身份证号（打码）")
    name = serializers.CharField(read_only=True)
    region_code = serializers.CharField(read_only=True, help_text="户籍地区划代码")
    region = RegionRefSerializer(read_only=True, allow_null=True, help_text="发现所在区划（人员所在村，或比对区划）")
    note = serializers.CharField(read_only=True, help_text="说明")
    event_date = serializers.DateField(read_only=True, allow_null=True, help_text="死亡或迁出日期")
    status = serializers.ChoiceField(read_only=True, choices=FindingStatus.choices)
    status_label = serializers.CharField(read_only=True)
    status_note = serializers.CharField(read_only=True, help_text="核实情况")
    assignee = serializers.CharField(read_only=True, allow_null=True, help_text="核实人（用户名）")
    changed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    moves = serializers.ListField(child=serializers.CharField(), read_only=True,
                                  help_text="您可以改成的状态（不能修改时为空）")


def finding_data(user, f) -> dict:
    from jixiao.rosters.workflow import moves_from

    return {"id": f.pk, "run": f.run_id, "kind": f.kind, "kind_label": FINDING_KINDS.get(f.kind, f.kind),
            "programme": f.programme, "roster": f.roster, "row": f.row, "id_number": mask_resident_id(f.id_number),
            "name": f.name, "region_code": f.region_code, "region": _region(f.region), "note": f.note,
            "event_date": f.event_date, "status": f.status, "status_label": FindingStatus(f.status).label,
            "status_note": f.status_note, "assignee": f.assignee.get_username() if f.assignee else None,
            "changed_at": f.changed_at,
            "moves": list(moves_from(f.status)) if selectors.may_change_finding(user, f) else []}


class FindingQuerySerializer(serializers.Serializer):
    run = serializers.IntegerField(required=False, help_text="比对编号（默认：各区划最新的比对）")
    kind = serializers.ChoiceField(required=False, choices=list(FINDING_KINDS), help_text="发现类型代码")
    region = serializers.IntegerField(required=False, help_text="区划编号：县、乡镇或村，含下级")
    status = serializers.ChoiceField(required=False, choices=FindingStatus.values)
    mine = serializers.BooleanField(required=False, default=False, help_text="只看指派给我的")


class FindingListView(GenericAPIView):
    serializer_class = FindingSerializer

    @extend_schema(tags=[_TAG_FINDINGS], summary="比对发现（工作清单）",
                   description="您辖区内的发现（发现所在的村、乡镇或县在您的辖区内），身份证号打码，分页。",
                   parameters=[FindingQuerySerializer],
                   responses={200: FindingSerializer(many=True), 400: OpenApiResponse(description="筛选参数无效"),
                              403: _NOT_LOGGED_IN})
    def get(self, request):
        _may_view(request)
        query = FindingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        filters = selectors.FindingFilters(run_id=v.get("run"), kind=v.get("kind", ""), region_id=v.get("region"),
                                           status=v.get("status", ""), mine=v.get("mine", False))
        findings = selectors.finding_list(user=request.user, filters=filters).select_related("run")
        page = self.paginate_queryset(findings)
        return self.get_paginated_response([finding_data(request.user, f) for f in page])


class FindingDetailView(GenericAPIView):
    serializer_class = FindingSerializer

    @extend_schema(tags=[_TAG_FINDINGS], summary="一条发现", parameters=[_ID],
                   responses={200: FindingSerializer, 403: _NOT_LOGGED_IN, 404: _NOT_VISIBLE})
    def get(self, request, pk: int):
        return Response(finding_data(request.user, selectors.finding_get_visible(user=request.user, pk=pk)))


class FindingStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FindingStatus.choices, help_text="新状态：待核实 → 属实/不属实 → 已处理")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                 help_text="核实情况（改为不属实、已处理时必填）")


class FindingStatusView(GenericAPIView):
    serializer_class = FindingStatusSerializer
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=[_TAG_FINDINGS], summary="核实一条发现", parameters=[_ID],
                   description="按工作清单的流转改状态并写核实情况，记入审计记录。",
                   request=FindingStatusSerializer,
                   responses={200: FindingSerializer, 400: OpenApiResponse(DetailSerializer, description="不能这样改，或缺核实情况"),
                              403: OpenApiResponse(DetailSerializer, description="未登录，或您只能查看"), 404: _NOT_VISIBLE})
    def post(self, request, pk: int):
        finding = selectors.finding_get_visible(user=request.user, pk=pk)
        body = FindingStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            finding = services.finding_status_set(actor=request.user, finding=finding, status=body.validated_data["status"],
                                                  note=body.validated_data.get("note", ""))
        except services.RostersDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except services.RosterInvalid as exc:
            raise ValidationError({"detail": str(exc)}) from None
        return Response(finding_data(request.user, finding))


class FindingAssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(allow_null=True, help_text="用户编号（发现所在乡镇或村的用户）；null 取消指派")


class FindingAssignView(GenericAPIView):
    serializer_class = FindingAssignSerializer
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=[_TAG_FINDINGS], summary="指派核实人", parameters=[_ID], request=FindingAssignSerializer,
                   responses={200: FindingSerializer, 400: OpenApiResponse(DetailSerializer, description="不能指派给该用户"),
                              403: OpenApiResponse(DetailSerializer, description="未登录，或您只能查看"), 404: _NOT_VISIBLE})
    def post(self, request, pk: int):
        finding = selectors.finding_get_visible(user=request.user, pk=pk)
        body = FindingAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user_id = body.validated_data["assignee"]
        assignee = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
        if user_id is not None and assignee is None:
            raise ValidationError({"detail": "没有这个用户"})
        try:
            finding = services.finding_assign(actor=request.user, finding=finding, assignee=assignee)
        except services.RostersDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except services.RosterInvalid as exc:
            raise ValidationError({"detail": str(exc)}) from None
        return Response(finding_data(request.user, finding))
