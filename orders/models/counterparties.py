"""Customers and suppliers."""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from orders.inn import validate_inn, validate_kpp


class Counterparty(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        SUPPLIER = "supplier", _("Supplier")
        BOTH = "both", _("Customer and supplier")

    name = models.CharField(_("name"), max_length=200)
    inn = models.CharField(_("INN"), max_length=12, validators=[validate_inn])
    kpp = models.CharField(_("KPP"), max_length=9, blank=True, validators=[validate_kpp])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.CUSTOMER)
    address = models.TextField(_("legal address"), blank=True)
    # Bank details, printed on payment requests.
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bik = models.CharField(
        _("BIK"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^\d{9}$", _("A BIK has 9 digits."))],
    )
    account = models.CharField(
        _("settlement account"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\d{20}$", _("An account number has 20 digits."))],
    )
    correspondent_account = models.CharField(
        _("correspondent account"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\d{20}$", _("An account number has 20 digits."))],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("counterparty")
        verbose_name_plural = _("counterparties")
        constraints = [
            # Branches of one company share the INN and differ in KPP.
            models.UniqueConstraint(fields=["inn", "kpp"], name="orders_counterparty_inn_kpp"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orders:counterparty-edit", args=[self.pk])


class Contact(models.Model):
    counterparty = models.ForeignKey(
        Counterparty, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["counterparty", "name", "pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name
