"""One payment order per installment, compared without case or spaces.

Rows recorded before the rule may repeat a reference on an installment ("п/п 1542" and
"П/П 1542"): the later ones are renamed "п/п 1542 (2)", "(3)"… so the constraint can be
added and nothing is lost.
"""

from django.db import migrations, models


def reference_key(reference: str) -> str:
    return "".join(reference.split()).casefold()


def distinct_references(rows) -> dict[int, str]:
    """From (pk, installment id, reference) in the order recorded: the new reference of
    every row that repeats an earlier one on the same installment."""
    taken: dict[int, set[str]] = {}
    for _pk, installment_id, reference in rows:
        taken.setdefault(installment_id, set()).add(reference_key(reference))
    seen: dict[int, set[str]] = {}
    renamed = {}
    for pk, installment_id, reference in rows:
        key = reference_key(reference)
        if not key:
            continue
        keys = seen.setdefault(installment_id, set())
        if key not in keys:
            keys.add(key)
            continue
        number = 2
        while True:
            suffix = f" ({number})"
            candidate = reference[: 100 - len(suffix)] + suffix
            if reference_key(candidate) not in taken[installment_id]:
                break
            number += 1
        taken[installment_id].add(reference_key(candidate))
        keys.add(reference_key(candidate))
        renamed[pk] = candidate
    return renamed


def keys_filled_and_duplicates_renamed(apps, schema_editor) -> None:
    Payment = apps.get_model("payments", "Payment")
    rows = list(
        Payment.objects.order_by("created_at", "pk").values_list(
            "pk", "installment_id", "reference"
        )
    )
    renamed = distinct_references(rows)
    payments = []
    for pk, _installment_id, reference in rows:
        reference = renamed.get(pk, reference)
        payments.append(Payment(pk=pk, reference=reference, reference_key=reference_key(reference)))
    Payment.objects.bulk_update(payments, ["reference", "reference_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_seeded_terms"),
    ]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="reference_key",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=100,
                verbose_name="normalised reference",
            ),
        ),
        migrations.RunPython(keys_filled_and_duplicates_renamed, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("reference_key", ""), _negated=True),
                fields=("installment", "reference_key"),
                name="payments_one_payment_per_reference",
            ),
        ),
    ]
