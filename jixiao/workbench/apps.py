from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "jixiao.workbench"
    verbose_name = "网页工作台"

    def ready(self):
        from jixiao.workbench import checks  # noqa: F401  (registers the production settings check)
