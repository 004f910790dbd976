"""Money arithmetic of specifications and orders: Decimal, rounded to kopecks (cents).

Each line's amount and VAT are rounded half up to two places, as on a Russian invoice,
and the totals are the sums of the rounded line figures, so the document adds up
line by line.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")


class VatRate(models.IntegerChoices):
    ZERO = 0, _("0 %")
    REDUCED = 10, _("10 %")
    STANDARD = 20, _("20 %")
    STANDARD_2026 = 22, _("22 %")  # the standard rate in Russia from 1 January 2026


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def vat_on(net: Decimal, rate: int) -> Decimal:
    """VAT charged on a net amount."""
    return money(net * rate / 100)


def vat_within(gross: Decimal, rate: int) -> Decimal:
    """The VAT contained in an amount that includes it."""
    return money(gross * rate / (100 + rate))


@dataclass
class Totals:
    net: Decimal = Decimal("0.00")
    vat_by_rate: dict[int, Decimal] = field(default_factory=dict)

    @property
    def vat(self) -> Decimal:
        return sum(self.vat_by_rate.values(), Decimal("0.00"))

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def totals(lines: Iterable[tuple[Decimal, int]]) -> Totals:
    """Totals of (net amount, VAT rate) lines: without VAT, VAT per rate, with VAT."""
    net = Decimal("0.00")
    by_rate: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line_net, rate in lines:
        net += line_net
        by_rate[rate] += vat_on(line_net, rate)
    return Totals(net=net, vat_by_rate=dict(sorted(by_rate.items())))
