from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "jixiao.benefits"
    verbose_name = "补助发放"

    def ready(self) -> None:
        from jixiao.benefits.jobs import register_kinds

        register_kinds()
