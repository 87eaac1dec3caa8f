from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0004_load_kunming_townships_villages'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='region',
            index=models.Index(fields=['level'], name='region_level_idx'),
        ),
    ]
