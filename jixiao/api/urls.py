from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

from jixiao.api import comparisons, jobs, views

app_name = "api"

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<int:pk>/evaluation/", views.ProjectEvaluationView.as_view(), name="project-evaluation"),
    path("projects/<int:pk>/indicators/<str:code>/", views.IndicatorUpdateView.as_view(), name="indicator-update"),
    path("projects/<int:pk>/changes/", views.ProjectChangesView.as_view(), name="project-changes"),
    path("registry/imports/", jobs.RegistryImportView.as_view(), name="registry-import"),
    path("jobs/", jobs.JobListView.as_view(), name="job-list"),
    path("jobs/<int:pk>/", jobs.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<int:pk>/cancel/", jobs.JobCancelView.as_view(), name="job-cancel"),
    path("jobs/<int:pk>/files/<str:name>", jobs.JobFileView.as_view(), name="job-file"),
    path("rosters/", comparisons.RosterListView.as_view(), name="roster-list"),
    path("comparisons/", comparisons.RunListView.as_view(), name="comparison-list"),
    path("comparisons/<int:pk>/", comparisons.RunDetailView.as_view(), name="comparison-detail"),
    path("findings/", comparisons.FindingListView.as_view(), name="finding-list"),
    path("findings/<int:pk>/", comparisons.FindingDetailView.as_view(), name="finding-detail"),
    path("findings/<int:pk>/status/", comparisons.FindingStatusView.as_view(), name="finding-status"),
    path("findings/<int:pk>/assign/", comparisons.FindingAssignView.as_view(), name="finding-assign"),
    # The document describes what the data looks like: logged-in users only, like the data itself.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script): no inline script for the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=[IsAuthenticated],
                                                      template_name="api/swagger_ui.html"), name="docs"),
]
