from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "绩效 jixiao 管理"
admin.site.site_title = "绩效 jixiao"
admin.site.index_title = "主数据与用户管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("jixiao.api.urls")),
    path("registry/", include("jixiao.registry.urls")),
    path("jobs/", include("jixiao.jobs.urls")),
    path("rosters/", include("jixiao.rosters.urls")),
    path("cycles/", include("jixiao.benefits.urls")),
    path("audit/", include("jixiao.audit.urls")),
    path("", include("jixiao.workbench.urls")),
]
