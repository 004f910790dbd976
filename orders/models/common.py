"""Choices shared by the orders models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    RUB = "RUB", _("Russian rouble")
    USD = "USD", _("US dollar")
    EUR = "EUR", _("Euro")
    CNY = "CNY", _("Chinese yuan")


class Incoterms(models.TextChoices):
    """Incoterms 2020."""

    EXW = "EXW", "EXW — Ex Works"
    FCA = "FCA", "FCA — Free Carrier"
    CPT = "CPT", "CPT — Carriage Paid To"
    CIP = "CIP", "CIP — Carriage and Insurance Paid To"
    DAP = "DAP", "DAP — Delivered at Place"
    DPU = "DPU", "DPU — Delivered at Place Unloaded"
    DDP = "DDP", "DDP — Delivered Duty Paid"
    FAS = "FAS", "FAS — Free Alongside Ship"
    FOB = "FOB", "FOB — Free on Board"
    CFR = "CFR", "CFR — Cost and Freight"
    CIF = "CIF", "CIF — Cost, Insurance and Freight"
