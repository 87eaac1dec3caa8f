"""ChangeRecord: a generic subject (content type + id), the object it is about and its region, in place
of the link to a project only. Existing rows keep everything they held: the project link becomes
``about`` (and gives the region), the object's kind is looked up from the words it was recorded with."""

import django.db.models.deletion
from django.db import migrations, models

# The object kinds recorded so far (their verbose names) → the model they name.
_KNOWN_KINDS = {
    "项目": ("projects", "project"),
    "指标得分": ("evaluations", "indicatorscore"),
    "绩效评价": ("evaluations", "evaluation"),
    "评价委托": ("accounts", "projectassignment"),
    "用户": ("auth", "user"),
    "用户角色": ("accounts", "profile"),
    "残疾人": ("registry", "person"),
    "名册导入": ("registry", "importbatch"),
    "行政区划": ("regions", "region"),
    "单位": ("organizations", "unit"),
    "处室": ("organizations", "division"),
    "指标体系模板": ("indicators", "indicatortemplate"),
    "模板指标": ("indicators", "templatenode"),
    "等级标准": ("indicators", "gradescale"),
    "等级": ("indicators", "gradeband"),
}


def forwards(apps, schema_editor):
    ChangeRecord = apps.get_model("changelog", "ChangeRecord")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Project = apps.get_model("projects", "Project")
    types = {}
    for label, (app_label, model) in _KNOWN_KINDS.items():
        types[label], _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    project_type = types["项目"]
    for label, content_type in types.items():
        ChangeRecord.objects.filter(object_type=label).exclude(subject_id="").update(subject_type=content_type)
    regions = dict(Project.objects.values_list("pk", "region_id"))
    for record in ChangeRecord.objects.exclude(project_id=None).only("pk", "project_id").iterator():
        ChangeRecord.objects.filter(pk=record.pk).update(
            about_type=project_type, about_id=str(record.project_id), region_id=regions.get(record.project_id))
    # Rows about themselves (no project): the subject is what they are about.
    for record in ChangeRecord.objects.filter(project_id=None, about_type=None).exclude(subject_type=None).only(
            "pk", "subject_type_id", "subject_id").iterator():
        ChangeRecord.objects.filter(pk=record.pk).update(about_type_id=record.subject_type_id,
                                                         about_id=record.subject_id)


class Migration(migrations.Migration):

    dependencies = [
        ("changelog", "0002_alter_changerecord_action"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("projects", "0004_list_order_index"),
        ("regions", "0002_seed_kunming"),
    ]

    operations = [
        migrations.RenameField("changerecord", "object_id", "subject_id"),
        migrations.AlterField("changerecord", "subject_id",
                              models.CharField(blank=True, max_length=40, verbose_name="对象编号")),
        migrations.AddField("changerecord", "subject_type", models.ForeignKey(
            blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
            to="contenttypes.contenttype", verbose_name="对象的数据表")),
        migrations.AddField("changerecord", "about_type", models.ForeignKey(
            blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
            to="contenttypes.contenttype", verbose_name="所属对象的数据表")),
        migrations.AddField("changerecord", "about_id",
                            models.CharField(blank=True, max_length=40, verbose_name="所属对象编号")),
        migrations.AddField("changerecord", "region", models.ForeignKey(
            blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
            to="regions.region", verbose_name="区划")),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField("changerecord", "project"),
        migrations.AddIndex("changerecord", models.Index(fields=["about_type", "about_id", "-id"],
                                                         name="change_about_idx")),
    ]
