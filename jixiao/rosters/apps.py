from django.apps import AppConfig


class RostersConfig(AppConfig):
    name = "jixiao.rosters"
    verbose_name = "名册比对"

    def ready(self) -> None:
        from jixiao.rosters.jobs import register_kinds

        register_kinds()
