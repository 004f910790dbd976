"""When a supplier order is shipped, logistics arranges customs clearance."""

from django.conf import settings
from django.db import migrations

TEXTS = {
    "ru": ("Таможенное оформление", "Организовать таможенное оформление по заказу {number}",
           "Поставщик: {supplier}\nСделка: {deal_number} {deal}\nДата отгрузки: {shipment_date}\nПлановая поставка: {planned_date}"),
    "en": ("Customs clearance", "Arrange customs clearance for {number}",
           "Supplier: {supplier}\nDeal: {deal_number} {deal}\nShipped: {shipment_date}\nPlanned delivery: {planned_date}"),
}


def seed(apps, schema_editor):
    Department = apps.get_model("handover", "Department")
    Rule = apps.get_model("handover", "Rule")
    logistics = Department.objects.filter(code="logistics").first()
    if logistics is None:
        return
    name, title, description = TEXTS["ru" if settings.LANGUAGE_CODE.startswith("ru") else "en"]
    Rule.objects.get_or_create(
        trigger_kind="orders.supplierorder",
        trigger_stage="shipped",
        department=logistics,
        defaults={
            "name": name,
            "title_template": title,
            "description_template": description,
            "deadline_offset": 2,
            "deadline_unit": "working_days",
            "assignee_strategy": "least_loaded",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("handover", "0004_rule_kinds")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
