"""Move the printed figures (≈30 KB of JSON per evaluation) to the end of the table, and index
the update time the dashboard sorts by.

SQLite keeps a long value in overflow pages and stores columns in order: the summary columns the
dashboard aggregates (added after ``figures``) cost a walk through those pages for every row."""

from django.db import migrations, models


def copy(apps, schema_editor):
    Evaluation = apps.get_model("evaluations", "Evaluation")
    for evaluation in Evaluation.objects.only("pk", "figures").iterator():
        Evaluation.objects.filter(pk=evaluation.pk).update(figures_last=evaluation.figures)


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0002_summary_fields")]

    operations = [
        migrations.AlterField("evaluation", "updated_at", models.DateTimeField("更新时间", auto_now=True, db_index=True)),
        migrations.AddField("evaluation", "figures_last", models.JSONField("报告数字", default=dict)),
        migrations.RunPython(copy, migrations.RunPython.noop),
        migrations.RemoveField("evaluation", "figures"),
        migrations.RenameField("evaluation", "figures_last", "figures"),
    ]
