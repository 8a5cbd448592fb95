# An index for the registry feeds' activity counts (bench/bench_resources.py): it replaces the
# (year, kind) index, which is its prefix, so that the year's GROUP BY region runs from the index alone.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("resources", "0002_expertise_vocabulary"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="activity",
            name="resources_a_year_8518ab_idx",
        ),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(
                fields=["year", "kind", "region", "participants", "online_reach", "id"],
                name="activity_year_rollup_idx",
            ),
        ),
    ]
