"""The roles are Django groups; what each may do is in fulfilment/roles.py, not in the groups."""

from django.db import migrations

ROLE_NAMES = (
    "Sales manager",
    "Finance",
    "Foreign trade",
    "Legal",
    "Procurement",
    "Logistics",
    "Accounting",
    "Operations director",
)


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
