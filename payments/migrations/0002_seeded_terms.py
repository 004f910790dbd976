"""The three payment terms the company uses most."""

from django.conf import settings
from django.db import migrations

TERMS = [
    (
        {"ru": "100 % в течение 30 дней после поставки", "en": "100 % within 30 days of delivery"},
        [("100", "delivery", 30, "calendar")],
    ),
    (
        {
            "ru": "30 % предоплата за 5 рабочих дней после подписания, 70 % в течение 30 дней после поставки",
            "en": "30 % within 5 working days of signing, 70 % within 30 days of delivery",
        },
        [("30", "contract_signed", 5, "working"), ("70", "delivery", 30, "calendar")],
    ),
    (
        {"ru": "100 % в течение 10 рабочих дней по счёту поставщика", "en": "100 % within 10 working days of the supplier invoice"},
        [("100", "supplier_invoice", 10, "working")],
    ),
]


def seed(apps, schema_editor):
    PaymentTerm = apps.get_model("payments", "PaymentTerm")
    TermInstallment = apps.get_model("payments", "TermInstallment")
    lang = "ru" if settings.LANGUAGE_CODE.startswith("ru") else "en"
    for names, lines in TERMS:
        term, created = PaymentTerm.objects.get_or_create(name=names[lang])
        if created:
            for position, (share, event, days, day_type) in enumerate(lines, start=1):
                TermInstallment.objects.create(
                    term=term,
                    position=position,
                    share=share,
                    base_event=event,
                    offset_days=days,
                    day_type=day_type,
                    day_off_rule="next",
                    reminder_lead=3,
                )


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
