from django.db import migrations


def create_realization_series(apps, schema_editor):
    NumberSeries = apps.get_model("numbering", "NumberSeries")
    NumberSeries.objects.get_or_create(
        code="realization",
        defaults={"name": "Realization number", "format": "R-{year}-{seq:05d}"},
    )


class Migration(migrations.Migration):
    dependencies = [("numbering", "0001_initial")]

    operations = [migrations.RunPython(create_realization_series, migrations.RunPython.noop)]
