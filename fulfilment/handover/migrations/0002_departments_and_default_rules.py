"""The company's departments and the rules that mirror its hand-over process.

Texts are data: they are written in the installation's language (LANGUAGE_CODE) when
this migration runs, and administrators edit them in the admin afterwards.
"""

from django.conf import settings
from django.db import migrations

DEPARTMENTS = {
    "ru": [
        ("finance", "Финансовый отдел"),
        ("foreign_trade", "Отдел ВЭД (таможня)"),
        ("legal", "Юридический отдел"),
        ("procurement", "Отдел снабжения"),
        ("logistics", "Отдел логистики"),
        ("accounting", "Бухгалтерия"),
    ],
    "en": [
        ("finance", "Finance"),
        ("foreign_trade", "Foreign trade (customs)"),
        ("legal", "Legal"),
        ("procurement", "Procurement"),
        ("logistics", "Logistics"),
        ("accounting", "Accounting"),
    ],
}

DESCRIPTION = {
    "ru": "Клиент: {customer}\nСумма: {amount} {currency}\nТребуемая дата поставки: {required_date}\nМенеджер: {manager}",
    "en": "Customer: {customer}\nAmount: {amount} {currency}\nRequired delivery date: {required_date}\nManager: {manager}",
}

# department, participating departments, deadline in working days, title per language
RULES = [
    (
        "finance",
        [],
        2,
        {
            "ru": ("Бюджет сделки", "Составить бюджет по сделке №{number}"),
            "en": ("Deal budget", "Prepare the budget for deal {number}"),
        },
    ),
    (
        "foreign_trade",
        [],
        3,
        {
            "ru": ("Таможенные коды", "Подобрать таможенные коды (ТН ВЭД) по сделке №{number}"),
            "en": ("Customs codes", "Select customs (HS) codes for deal {number}"),
        },
    ),
    (
        "legal",
        ["procurement"],
        3,
        {
            "ru": ("Договор со спецификацией", "Подготовить договор со спецификацией по сделке №{number}"),
            "en": ("Contract with specification", "Prepare the contract with specification for deal {number}"),
        },
    ),
]


def language() -> str:
    return "ru" if settings.LANGUAGE_CODE.startswith("ru") else "en"


def seed(apps, schema_editor, lang=None):
    lang = lang or language()
    Department = apps.get_model("handover", "Department")
    Rule = apps.get_model("handover", "Rule")
    departments = {}
    for code, name in DEPARTMENTS[lang]:
        departments[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name})
    for code, participants, days, texts in RULES:
        name, title = texts[lang]
        rule, created = Rule.objects.get_or_create(
            trigger_kind="orders.deal",
            trigger_stage="realization",
            department=departments[code],
            defaults={
                "name": name,
                "title_template": title,
                "description_template": DESCRIPTION[lang],
                "deadline_offset": days,
                "deadline_unit": "working_days",
                "assignee_strategy": "least_loaded",
            },
        )
        if created:
            rule.participant_departments.set([departments[p] for p in participants])


class Migration(migrations.Migration):
    dependencies = [("handover", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
