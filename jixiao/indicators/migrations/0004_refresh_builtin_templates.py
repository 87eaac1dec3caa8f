from django.db import migrations


def refresh(apps, schema_editor):
    from jixiao.indicators.services import indicator_templates_sync_builtin

    indicator_templates_sync_builtin(apps.get_model("indicators", "IndicatorTemplate"),
                                     apps.get_model("indicators", "TemplateNode"))


class Migration(migrations.Migration):
    """The shipped templates again, now with their suggested operators, targets, deductions and bands."""

    dependencies = [("indicators", "0003_template_node_defaults")]
    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
