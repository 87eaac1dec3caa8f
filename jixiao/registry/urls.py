from django.urls import path

from jixiao.registry import views

urlpatterns = [
    path("", views.person_list, name="registry_list"),
    path("export.xlsx", views.export, name="registry_export"),
    path("persons/<int:pk>/", views.person_detail, name="registry_person"),
    path("persons/<int:pk>/reveal/", views.person_reveal, name="registry_person_reveal"),
    path("import/", views.import_start, name="registry_import"),
]
