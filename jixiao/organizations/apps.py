from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "jixiao.organizations"
    label = "organizations"
    verbose_name = "单位与处室"
