"""银行卡号, 社保卡号 and 开户行 on the person (optional registry columns).

Django's own AddField rebuilds the whole person table on SQLite (a NOT NULL column): three times for three
fields, each copying a registry of a million rows and rebuilding its indexes. ``ALTER TABLE … ADD COLUMN …
DEFAULT '' NOT NULL`` is the same column on both databases (SQLite and PostgreSQL 11+ add it without rewriting
the rows); the state is the model's fields with their database default."""

from django.db import migrations, models

COLUMNS = (("bank_card", 19), ("social_card", 20), ("bank_name", 60))


def _field(label, length):
    return models.CharField(label, max_length=length, blank=True, default="", db_default="")


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0005_person_list_partition'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE registry_person ADD COLUMN {name} varchar({length}) DEFAULT '' NOT NULL",
                    f"ALTER TABLE registry_person DROP COLUMN {name}",
                )
                for name, length in COLUMNS
            ],
            state_operations=[
                migrations.AddField(model_name='person', name='bank_card', field=_field("银行卡号", 19)),
                migrations.AddField(model_name='person', name='social_card', field=_field("社保卡号", 20)),
                migrations.AddField(model_name='person', name='bank_name', field=_field("开户行", 60)),
            ],
        ),
    ]
