from django.urls import path

from jixiao.rosters import views

urlpatterns = [
    path("", views.home, name="rosters_home"),
    path("upload/", views.roster_upload, name="rosters_upload"),
    path("start/", views.comparison_start, name="rosters_start"),
    path("runs/<int:pk>/", views.run_detail, name="rosters_run"),
    path("runs/<int:pk>/files/<str:name>", views.run_file, name="rosters_run_file"),
    path("runs/<int:pk>/visits/<int:region_id>.xlsx", views.visit_list, name="rosters_visit_list"),
    path("findings/", views.finding_list, name="rosters_findings"),
    path("findings/<int:pk>/", views.finding_detail, name="rosters_finding"),
    path("findings/<int:pk>/status/", views.finding_status, name="rosters_finding_status"),
    path("findings/<int:pk>/assign/", views.finding_assign, name="rosters_finding_assign"),
    path("findings/<int:pk>/cancel-certificate/", views.finding_cancel_certificate, name="rosters_finding_cancel"),
    path("visits/", views.my_visit_lists, name="rosters_visits"),
    path("persons/<int:person_pk>/findings/", views.person_findings, name="rosters_person_findings"),
]
