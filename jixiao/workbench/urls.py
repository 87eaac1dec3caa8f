from django.contrib.auth import views as auth_views
from django.urls import path

from jixiao.workbench import views
from jixiao.workbench.forms import LoginForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="workbench/login.html", authentication_form=LoginForm,
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("", views.dashboard, name="dashboard"),
    path("projects/", views.project_list, name="project_list"),
    path("changes/", views.change_log, name="change_log"),
    path("projects/upload/", views.project_upload, name="project_upload"),
    path("projects/template.xlsx", views.download_blank_template, name="download_blank_template"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/tab/<slug:tab>/", views.project_tab, name="project_tab"),
    path("projects/<int:pk>/delete/", views.project_delete, name="project_delete"),
    path("projects/<int:pk>/indicators/<str:code>/", views.indicator_update, name="indicator_update"),
    path("projects/<int:pk>/indicators/<str:code>/preview/", views.indicator_preview, name="indicator_preview"),
    path("projects/<int:pk>/report.docx", views.download_report_docx, name="download_report_docx"),
    path("projects/<int:pk>/report.pdf", views.download_report_pdf, name="download_report_pdf"),
    path("projects/<int:pk>/scores.xlsx", views.download_score_sheet, name="download_score_sheet"),
    path("projects/<int:pk>/workbook.xlsx", views.download_project_workbook, name="download_project_workbook"),
]
