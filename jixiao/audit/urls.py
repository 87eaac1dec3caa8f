from django.urls import path

from jixiao.audit import views

urlpatterns = [
    path("", views.audit_page, name="audit_page"),
    path("copies/<str:token>.docx", views.audit_download, name="audit_download"),
]
