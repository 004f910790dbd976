"""Number series, their per-year counters and the ledger of every number issued.

This app knows nothing of the others: it turns (series, year) into the next number.
"""

import string

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = frozenset({"year", "seq"})


def validate_number_format(value: str) -> None:
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as error:
        raise ValidationError(
            _("The format is not valid: %(error)s."), params={"error": error}
        ) from None
    unknown = fields - PLACEHOLDERS
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(names)s: use {year} and {seq}, e.g. R-{year}-{seq:05d}."),
            params={"names": ", ".join(sorted(f"{{{name}}}" for name in unknown))},
        )
    if not fields >= PLACEHOLDERS:
        # Counters restart every year, so a format without the year would repeat itself.
        raise ValidationError(_("The format needs both {year} and {seq}, e.g. R-{year}-{seq:05d}."))
    try:
        value.format(year=2026, seq=42)
    except (ValueError, TypeError) as error:
        raise ValidationError(
            _("The format is not valid: %(error)s."), params={"error": error}
        ) from None
    if "/" in value:
        raise ValidationError(_("The format must not contain '/': it separates child numbers."))


class NumberSeries(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    format = models.CharField(
        _("format"),
        max_length=60,
        validators=[validate_number_format],
        help_text=_(
            "Python format with {year} and {seq}, e.g. R-{year}-{seq:05d} gives R-2026-00042. "
            "A change applies to numbers issued from now on; issued numbers never change."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("number series")
        verbose_name_plural = _("number series")

    def __str__(self) -> str:
        return self.name

    def render(self, *, year: int, seq: int) -> str:
        return self.format.format(year=year, seq=seq)


class NumberCounter(models.Model):
    """The last sequence issued in a series for one year; locked while a number is issued."""

    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveSmallIntegerField(_("year"))
    last_value = models.PositiveIntegerField(_("last issued"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["series", "-year"]
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="numbering_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series.code} {self.year}: {self.last_value}"


class IssuedNumber(models.Model):
    """Every number ever issued: the ledger that proves "no gap, no reuse"."""

    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="issued")
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    value = models.CharField(_("number"), max_length=60, unique=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        ordering = ["series", "year", "sequence"]
        verbose_name = _("issued number")
        verbose_name_plural = _("issued numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "sequence"], name="numbering_issued_unique_sequence"
            ),
        ]

    def __str__(self) -> str:
        return self.value


class ChildCounter(models.Model):
    """The last child sequence of one kind under a parent number (R-2026-00042 + SO → 3)."""

    parent = models.CharField(_("parent number"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10)
    last_value = models.PositiveIntegerField(_("last issued"), default=0)

    class Meta:
        ordering = ["parent", "kind"]
        verbose_name = _("child number counter")
        verbose_name_plural = _("child number counters")
        constraints = [
            models.UniqueConstraint(fields=["parent", "kind"], name="numbering_child_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.parent}/{self.kind}: {self.last_value}"
