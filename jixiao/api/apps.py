from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jixiao.api"
    verbose_name = "REST API"

    def ready(self):
        from jixiao.api import schema  # noqa: F401  (registers the OpenAPI extension)
