from django.db import migrations


def install(apps, schema_editor):
    from jixiao.indicators.services import grade_scale_ensure_default, indicator_templates_sync_builtin

    indicator_templates_sync_builtin(apps.get_model("indicators", "IndicatorTemplate"),
                                     apps.get_model("indicators", "TemplateNode"))
    grade_scale_ensure_default(apps.get_model("indicators", "GradeScale"), apps.get_model("indicators", "GradeBand"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
