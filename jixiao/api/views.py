"""REST endpoints over projects and their evaluation results.

Thin on purpose: every read starts from ``jixiao.projects.selectors`` (the same scoping as the web
pages — 404 for what the user may not see, 403 for what they may see but not change) and every
write goes through a service, which records the change. Nothing here filters by region."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from jixiao.accounts import permissions
from jixiao.accounts.permissions import Action, Kind
from jixiao.api import serializers as s
from jixiao.api.selectors import evaluation_current, evaluation_indicator_tree, project_changes
from jixiao.common.problems import InputInvalid, Problem
from jixiao.common.uploads import upload_tmp_dir
from jixiao.evaluations.rescoring import indicator_score_update
from jixiao.projects import selectors as project_selectors
from jixiao.projects import services as project_services
from jixiao.workbooks.services import workbook_import

_NOT_LOGGED_IN = OpenApiResponse(s.DetailSerializer, description="未登录")
_NOT_VISIBLE = OpenApiResponse(s.DetailSerializer, description="没有这个项目，或您无权查看")
_READ_ONLY = OpenApiResponse(s.DetailSerializer, description="未登录，或您只能查看、不能修改")
_PROBLEMS = OpenApiResponse(s.ProblemListSerializer,
                            description="输入有问题：逐条列出（工作表、行、列、说明），未保存任何内容")
_SHEET = "指标评分"  # where a person edits leaves in the workbook, as the rescoring problems say
_PROJECT_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="项目编号")


def _problems_response(problems: list[Problem]) -> Response:
    return Response(s.ProblemSerializer(problems, many=True).data, status=status.HTTP_400_BAD_REQUEST)


class ProjectListView(GenericAPIView):
    serializer_class = s.ProjectSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["项目"], summary="项目列表",
        description="您可见的项目（本辖区及下级；第三方评价用户为委托给自己的项目），分页。",
        parameters=[s.ProjectQuerySerializer],
        responses={200: s.ProjectSerializer(many=True), 400: OpenApiResponse(description="筛选参数无效"),
                   403: _NOT_LOGGED_IN},
    )
    def get(self, request):
        query = s.ProjectQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        filters = project_selectors.ProjectFilters(
            q=v.get("q", "").strip(), year=v.get("year"), region_id=v.get("region"), grade=v.get("grade", "").strip(),
            project_type=v.get("project_type", ""),
        )
        page = self.paginate_queryset(project_selectors.project_list(user=request.user, filters=filters))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=["项目"], summary="导入项目工作簿",
        description="上传项目工作簿（.xlsx）：完整校验、评分并保存（同一主管单位、年度、项目名称的项目会被重新导入）。"
                    "仅项目的主管用户（市、县、乡、村级及管理员），且项目所属区划须在本人辖区内。",
        request={"multipart/form-data": s.WorkbookUploadSerializer},
        responses={201: s.ProjectDetailSerializer, 400: _PROBLEMS, 403: _READ_ONLY},
    )
    def post(self, request):
        if not permissions.may(request.user, Action.CREATE, Kind.PROJECT):
            raise PermissionDenied(f"您的角色（{permissions.role_label(request.user)}）不能导入项目")
        upload = request.FILES.get("file")
        if upload is None:
            return _problems_response([Problem("", None, "file", "请上传项目工作簿（.xlsx）")])
        file_name = Path(upload.name or "").name or "项目工作簿.xlsx"
        with upload_tmp_dir("jixiao-api-upload-") as tmp:
            # A fixed name on disk (the user's may be anything); problems name the file the user sent.
            path = Path(tmp) / "upload.xlsx"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                evaluation = workbook_import(actor=request.user, path=path, file_name=file_name)
            except InputInvalid as exc:
                return _problems_response([*exc.problems, *exc.omitted_problems()])
            except project_services.StoreError as exc:
                return _problems_response([Problem("", None, None, str(exc), file_name)])
        project = project_selectors.project_get_visible(user=request.user, pk=evaluation.project_id)
        data = s.ProjectDetailSerializer(project, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class ProjectDetailView(GenericAPIView):
    serializer_class = s.ProjectDetailSerializer

    @extend_schema(
        tags=["项目"], summary="项目详情", parameters=[_PROJECT_ID],
        description="项目及其当前评价：资金、绩效目标、一级指标、满意度、政策依据，数字与报告中的写法一致。",
        responses={200: s.ProjectDetailSerializer, 403: _NOT_LOGGED_IN, 404: _NOT_VISIBLE},
    )
    def get(self, request, pk: int):
        project = project_selectors.project_get_visible(user=request.user, pk=pk)
        return Response(self.get_serializer(project).data)

    @extend_schema(
        tags=["项目"], summary="删除项目", parameters=[_PROJECT_ID],
        description="删除项目及其全部评价（仅项目的主管用户）；变更记录保留删除前的内容。",
        responses={204: None, 403: _READ_ONLY, 404: _NOT_VISIBLE},
    )
    def delete(self, request, pk: int):
        project = project_selectors.project_get_for_manage(user=request.user, pk=pk)
        project_services.project_delete(actor=request.user, project=project)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProjectEvaluationView(GenericAPIView):
    serializer_class = s.EvaluationSerializer

    @extend_schema(
        tags=["评价"], summary="指标评分树", parameters=[_PROJECT_ID],
        description="当前评价的全部指标（按报告顺序，含上级编码、层级、权重、评分规则、得分、评分依据），"
                    "以及每个末级指标可修改的字段。",
        responses={200: s.EvaluationSerializer, 403: _NOT_LOGGED_IN,
                   404: OpenApiResponse(s.DetailSerializer, description="没有这个项目、您无权查看，或项目还没有评价")},
    )
    def get(self, request, pk: int):
        project = project_selectors.project_get_visible(user=request.user, pk=pk)
        evaluation = evaluation_current(project)
        data = {
            "project_id": project.pk, "evaluated_at": evaluation.evaluated_at, "updated_at": evaluation.updated_at,
            "figures": evaluation.figures, "indicators": evaluation_indicator_tree(evaluation),
        }
        return Response(self.get_serializer(data).data)


class IndicatorUpdateView(GenericAPIView):
    serializer_class = s.IndicatorUpdateSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        tags=["评价"], summary="修改末级指标",
        description="修改一个末级指标的录入值（手工/定性得分、定性等级、缺项数、实际值、评分依据）并重新评分，"
                    "保存新的得分、总分与等级，记一条变更记录。计算得出的得分（资金到位率、满意度等）不能手工修改。"
                    "项目的主管用户，以及受委托的第三方评价用户可修改。",
        parameters=[_PROJECT_ID,
                    OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="指标编码，如 A21")],
        request=s.IndicatorUpdateSerializer,
        responses={200: s.IndicatorUpdateResultSerializer, 400: _PROBLEMS, 403: _READ_ONLY,
                   404: OpenApiResponse(s.DetailSerializer, description="没有这个项目、您无权查看，或项目还没有评价")},
        examples=[OpenApiExample("手工得分", value={"manual_score": "9.5", "evidence": "目标基本合理"},
                                 request_only=True)],
    )
    def patch(self, request, pk: int, code: str):
        project = project_selectors.project_get_for_scoring(user=request.user, pk=pk)
        evaluation = evaluation_current(project)
        if not isinstance(request.data, Mapping):
            return _problems_response([Problem(_SHEET, None, None, "请求内容应为对象，如 {\"manual_score\": \"9.5\"}")])
        # A browser form also sends its CSRF token in the body.
        unknown = sorted(set(request.data) - set(s.EDITABLE_FIELDS) - {"csrfmiddlewaretoken"})
        if unknown:
            allowed = "、".join(s.EDITABLE_FIELDS)
            return _problems_response([Problem(_SHEET, None, name, f"“{name}”不能修改，可修改的字段：{allowed}")
                                       for name in unknown])
        body = self.get_serializer(data=request.data)
        if not body.is_valid():
            return _problems_response([Problem(_SHEET, None, s.EDITABLE_FIELDS.get(field, field), str(message))
                                       for field, messages in body.errors.items() for message in messages])
        raw = {field: "" if value is None else value for field, value in body.validated_data.items()}
        if not raw:
            return _problems_response([Problem(_SHEET, None, None, "请至少提供一个要修改的字段")])
        try:
            rescored = indicator_score_update(actor=request.user, evaluation=evaluation, code=code, raw=raw)
        except InputInvalid as exc:
            return _problems_response(exc.problems)
        printed = next(row for row in rescored.figures["indicators"] if row["code"] == code)
        result = {
            "code": code, "name": printed["name"], "score": printed["score"],
            "total_score": rescored.figures["total_score"], "full_marks": rescored.figures["full_marks"],
            "grade": rescored.figures["grade"],
        }
        return Response(s.IndicatorUpdateResultSerializer(result).data)


class ProjectChangesView(GenericAPIView):
    serializer_class = s.ChangeRecordSerializer

    @extend_schema(
        tags=["变更记录"], summary="项目的变更记录", parameters=[_PROJECT_ID],
        description="该项目的变更记录（谁、何时、改了什么：原值 → 新值），新的在前，分页。",
        responses={200: s.ChangeRecordSerializer(many=True), 403: _NOT_LOGGED_IN, 404: _NOT_VISIBLE},
    )
    def get(self, request, pk: int):
        project = project_selectors.project_get_visible(user=request.user, pk=pk)
        page = self.paginate_queryset(project_changes(project))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
