from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0003_registry_tally'),
    ]

    # Households and programme memberships were never filled: 低保/特困 arrive as other departments'
    # rosters (compared, not stored per person) and the benefits work keeps its own entitlements.
    operations = [
        migrations.RemoveIndex(
            model_name='person',
            name='person_household_idx',
        ),
        migrations.RemoveField(
            model_name='household',
            name='head',
        ),
        migrations.RemoveField(
            model_name='household',
            name='region',
        ),
        migrations.RemoveField(
            model_name='person',
            name='household',
        ),
        migrations.RemoveField(
            model_name='programmemembership',
            name='person',
        ),
        migrations.RemoveField(
            model_name='person',
            name='relation_to_head',
        ),
        migrations.DeleteModel(
            name='Household',
        ),
        migrations.DeleteModel(
            name='ProgrammeMembership',
        ),
    ]
