from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "jixiao.registry"
    verbose_name = "残疾人登记名册"

    def ready(self) -> None:
        from jixiao.registry.jobs import register_kinds

        register_kinds()
