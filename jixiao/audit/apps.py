from django.apps import AppConfig


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jixiao.audit"
    verbose_name = "报告一致性审核"
