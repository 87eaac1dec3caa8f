from django.db import migrations, models


def fill_partitions(apps, schema_editor):
    """Every region's partition: its own code at county level and above, else its parent's (parents first)."""
    Region = apps.get_model("regions", "Region")
    partitions: dict[int, str] = {}
    changed = []
    for region in Region.objects.order_by("path").only("pk", "code", "level", "parent_id"):
        below_county = region.level in ("township", "village") and region.parent_id in partitions
        region.list_partition = partitions[region.parent_id] if below_county else region.code
        partitions[region.pk] = region.list_partition
        changed.append(region)
    Region.objects.bulk_update(changed, ["list_partition"], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0005_region_level_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='region',
            name='list_partition',
            field=models.CharField(default='', editable=False, max_length=20, verbose_name='列表分区'),
        ),
        migrations.RunPython(fill_partitions, migrations.RunPython.noop),
    ]
