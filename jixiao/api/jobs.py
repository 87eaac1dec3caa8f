"""REST endpoints of background jobs: start a registry import, list and read jobs, cancel one,
download its result files. Scoped like the jobs pages (``jixiao.jobs.selectors``): the owner sees
their jobs, a 系统管理员 all, anybody else gets 404."""

from __future__ import annotations

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from jixiao.api.serializers import DetailSerializer, ProblemListSerializer, ProblemSerializer
from jixiao.common.problems import Problem
from jixiao.jobs import selectors as job_selectors
from jixiao.jobs import services as job_services
from jixiao.jobs import storage
from jixiao.registry import services as registry_services
from jixiao.registry.forms import RegistryUploadForm

_JOB_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="任务编号")
_NOT_VISIBLE = OpenApiResponse(DetailSerializer, description="没有这个任务，或它不是您发起的")
_NOT_LOGGED_IN = OpenApiResponse(DetailSerializer, description="未登录")


class JobRegionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class JobProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(read_only=True, help_text="已处理的数量（名册导入：行）")
    total = serializers.IntegerField(read_only=True, allow_null=True, help_text="总数量（尚不知道时为 null）")
    percent = serializers.IntegerField(read_only=True, allow_null=True, help_text="完成百分比")
    message = serializers.CharField(read_only=True, help_text="正在做什么，或结束时的说明")
    stalled = serializers.BooleanField(read_only=True, help_text="运行中但工作进程暂时没有响应")


class JobFileSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True, help_text="文件名")
    label = serializers.CharField(read_only=True, help_text="说明，如“错误报告（csv）”")
    url = serializers.CharField(read_only=True, help_text="下载地址（API）")


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True, help_text="任务类型，如 registry.import")
    kind_label = serializers.CharField(read_only=True, help_text="任务类型（中文）")
    title = serializers.CharField(read_only=True, help_text="任务名称")
    status = serializers.ChoiceField(read_only=True, choices=[
        ("queued", "排队中"), ("running", "运行中"), ("done", "已完成"), ("failed", "失败"), ("cancelled", "已取消")])
    status_label = serializers.CharField(read_only=True, help_text="状态（中文）")
    owner = serializers.CharField(read_only=True, help_text="发起人（用户名）")
    region = JobRegionSerializer(read_only=True, allow_null=True, help_text="任务涉及的区划（发起人的区划）")
    progress = JobProgressSerializer(read_only=True)
    message = serializers.CharField(read_only=True, help_text="结束时的说明（失败、取消的原因）")
    result = serializers.DictField(read_only=True, help_text="结果摘要：summary（一句话）、figures（名称 → 数量）等")
    files = JobFileSerializer(many=True, read_only=True, help_text="结果文件（如错误报告）")
    cancel_requested = serializers.BooleanField(read_only=True, help_text="已请求取消")
    created_at = serializers.DateTimeField(read_only=True)
    started_at = serializers.DateTimeField(read_only=True, allow_null=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)
    page = serializers.CharField(read_only=True, help_text="工作台中的任务页面")


def job_data(request, job) -> dict:
    state = job_selectors.job_state(job)
    region = job.region
    return {
        "id": job.pk, "kind": job.kind, "kind_label": state.kind_label, "title": job.title, "status": job.status,
        "status_label": state.status_label, "owner": job.owner_label,
        "region": {"id": region.pk, "code": region.code, "name": region.name} if region else None,
        "progress": {"done": state.done, "total": state.total, "percent": state.percent, "message": state.message,
                     "stalled": state.stalled},
        "message": job.message, "result": job.result,
        "files": [{"name": f["name"], "label": f["label"],
                   "url": request.build_absolute_uri(reverse("api:job-file", args=[job.pk, f["name"]]))}
                  for f in job.files],
        "cancel_requested": state.cancel_requested, "created_at": job.created_at, "started_at": job.started_at,
        "finished_at": job.finished_at, "page": request.build_absolute_uri(reverse("job_detail", args=[job.pk])),
    }


class RegistryImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="残疾人证登记名册（.xlsx、.xls 或 .csv，UTF-8 或 GB18030）")
    dry_run = serializers.BooleanField(required=False, default=False, help_text="只校验（含与登记库比对），不写入")
    strict = serializers.BooleanField(required=False, default=False, help_text="有任何一行被拒绝就全部不导入")


class RegistryImportView(GenericAPIView):
    serializer_class = RegistryImportUploadSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["后台任务"], summary="导入残疾人名册（后台任务）",
        description="上传名册文件，开始一个导入任务并立即答复 202 与该任务；用 GET /api/jobs/{id}/ 查看进度和结果"
                    "（结果文件如错误报告见 files）。只导入您辖区内的人员；导入是一个事务，失败或取消时登记库不变。"
                    "市、县、乡、村级用户及管理员可导入。",
        request={"multipart/form-data": RegistryImportUploadSerializer},
        responses={202: JobSerializer, 400: OpenApiResponse(ProblemListSerializer, description="没有文件或文件类型不对"),
                   403: OpenApiResponse(DetailSerializer, description="未登录，或您的角色不能导入名册")},
    )
    def post(self, request):
        form = RegistryUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            problems = [Problem("", None, "file", str(message)) for message in form.errors.get("file", [])]
            return Response(ProblemSerializer(problems, many=True).data, status=status.HTTP_400_BAD_REQUEST)
        options = self.get_serializer(data=request.data)
        options.is_valid(raise_exception=True)
        try:
            job = registry_services.registry_import_job_start(
                actor=request.user, upload=form.cleaned_data["file"], dry_run=options.validated_data["dry_run"],
                strict=options.validated_data["strict"])
        except registry_services.RegistryDenied as exc:
            raise PermissionDenied(str(exc)) from None
        data = job_data(request, job)
        return Response(data, status=status.HTTP_202_ACCEPTED,
                        headers={"Location": request.build_absolute_uri(reverse("api:job-detail", args=[job.pk]))})


class JobListView(GenericAPIView):
    serializer_class = JobSerializer

    @extend_schema(tags=["后台任务"], summary="后台任务列表",
                   description="您发起的后台任务（系统管理员：全部用户的），新的在前，分页。",
                   responses={200: JobSerializer(many=True), 403: _NOT_LOGGED_IN})
    def get(self, request):
        page = self.paginate_queryset(job_selectors.jobs_visible(request.user))
        return self.get_paginated_response([job_data(request, job) for job in page])


class JobDetailView(GenericAPIView):
    serializer_class = JobSerializer

    @extend_schema(tags=["后台任务"], summary="后台任务详情", parameters=[_JOB_ID],
                   description="状态、进度（运行中时为实时进度）、结果摘要和结果文件。",
                   responses={200: JobSerializer, 403: _NOT_LOGGED_IN, 404: _NOT_VISIBLE})
    def get(self, request, pk: int):
        return Response(job_data(request, job_selectors.job_get_visible(user=request.user, pk=pk)))


class JobCancelView(GenericAPIView):
    serializer_class = JobSerializer

    @extend_schema(tags=["后台任务"], summary="取消后台任务", parameters=[_JOB_ID], request=None,
                   description="排队中的任务立即取消；运行中的任务在下一个检查点停止，已写入的内容全部撤销"
                               "（status 随后变为 cancelled）。已结束的任务答 409。",
                   responses={200: JobSerializer, 403: _NOT_LOGGED_IN, 404: _NOT_VISIBLE,
                              409: OpenApiResponse(DetailSerializer, description="任务已结束")})
    def post(self, request, pk: int):
        job = job_selectors.job_get_visible(user=request.user, pk=pk)
        try:
            job = job_services.job_cancel(actor=request.user, job=job)
        except job_services.JobNotActive as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except job_services.JobDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(job_data(request, job))


class JobFileView(GenericAPIView):
    serializer_class = DetailSerializer

    @extend_schema(tags=["后台任务"], summary="下载任务的结果文件",
                   parameters=[_JOB_ID, OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH,
                                                         description="文件名（见任务的 files）")],
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 403: _NOT_LOGGED_IN,
                              404: OpenApiResponse(DetailSerializer, description="没有这个任务或文件")})
    def get(self, request, pk: int, name: str):
        job, path, entry = job_selectors.job_file_get(user=request.user, pk=pk, name=name)
        return FileResponse(path.open("rb"), as_attachment=True, filename=name,
                            content_type=storage.content_type(path))
