from django.apps import AppConfig


class ChangelogConfig(AppConfig):
    name = "jixiao.changelog"
    label = "changelog"
    verbose_name = "变更记录"
