import jixiao.registry.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0006_region_partition'),
        ('registry', '0004_drop_household_and_programme_membership'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='person',
            name='person_list_idx',
        ),
        migrations.AddField(
            model_name='person',
            name='list_partition',
            field=models.CharField(default='', editable=False, max_length=20, verbose_name='列表分区'),
        ),
        # every person takes their region's partition (regions 0006 filled them); before the new index is built
        migrations.RunSQL(
            "UPDATE registry_person SET list_partition = "
            "(SELECT r.list_partition FROM regions_region r WHERE r.id = registry_person.region_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(models.F('list_partition'), jixiao.registry.models.CodePointOrder('name'), models.F('id'), models.F('region'), name='person_list_idx'),
        ),
    ]
