"""Files attached to a deal or to one of its records."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from orders.models.deals import Deal


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name is not the user's: it cannot collide or traverse directories.
    return f"attachments/{instance.deal_id}/{instance.uuid.hex}"


class Attachment(models.Model):
    """A file on a deal or on a record linked to it; served only through a checked view."""

    class Category(models.TextChoices):
        SIGNED_PROPOSAL = "signed_proposal", _("Signed proposal")
        CUSTOMER_CONTRACT = "customer_contract", _("Customer's contract")
        SUPPLIER_INVOICE = "supplier_invoice", _("Supplier invoice")
        SHIPPING_DOCUMENT = "shipping_document", _("Shipping document")
        SUPPLEMENTARY_AGREEMENT = "supplementary_agreement", _("Supplementary agreement")
        SIGNED_CONTRACT = "signed_contract", _("Signed contract (scan)")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(unique=True, editable=False)
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="attachments")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    category = models.CharField(
        _("category"), max_length=30, choices=Category, default=Category.OTHER
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    media_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="orders_attachment_record"),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("orders:attachment-download", args=[self.uuid])
