"""Move the large text columns (report narrative, demo note) to the end of the table.

SQLite stores a row's columns in order and keeps a long value in overflow pages: every column
after one needs those pages read first. Lists, filters and the dashboard read the small columns
(region, unit, current evaluation) of every project, so the large ones go last."""

from django.db import migrations, models


def copy(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    for project in Project.objects.only("pk", "narrative", "demo_note").iterator():
        Project.objects.filter(pk=project.pk).update(narrative_last=project.narrative, demo_note_last=project.demo_note)


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_current_evaluation")]

    operations = [
        migrations.AddField("project", "narrative_last", models.JSONField("报告文字", default=dict, blank=True)),
        migrations.AddField("project", "demo_note_last", models.TextField("演示说明", blank=True, default="")),
        migrations.RunPython(copy, migrations.RunPython.noop),
        migrations.RemoveField("project", "narrative"),
        migrations.RemoveField("project", "demo_note"),
        migrations.RenameField("project", "narrative_last", "narrative"),
        migrations.RenameField("project", "demo_note_last", "demo_note"),
        migrations.AlterField("project", "demo_note", models.TextField("演示说明", blank=True)),
    ]
