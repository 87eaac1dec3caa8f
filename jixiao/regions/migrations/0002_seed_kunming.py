from django.db import migrations


def seed(apps, schema_editor):
    from jixiao.regions.services import region_sync_catalog

    region_sync_catalog(apps.get_model("regions", "Region"))


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
