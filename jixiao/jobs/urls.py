from django.urls import path

from jixiao.jobs import views

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("<int:pk>/files/<str:name>", views.job_file, name="job_file"),
]
