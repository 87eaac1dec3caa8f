from django.db import migrations

# The 乡镇/街道 and 村/社区 of 昆明市 from the shipped NBS 2023 subset (jixiao/regions/data). The rest of
# Yunnan ships too and is loaded on demand: jixiao regions load --prefix 53 (docs/ARCHITECTURE.md says why).
PREFIX = "5301"


def load(apps, schema_editor):
    from jixiao.regions.nbs import select, shipped_rows
    from jixiao.regions.services import load_rows

    load_rows(apps.get_model("regions", "Region"), select(shipped_rows(), PREFIX), prefix=PREFIX)


class Migration(migrations.Migration):
    dependencies = [("regions", "0003_loaded_levels")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
