"""Generated documents: every PDF made is kept as a version, exactly as it was."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from orders.models.contracts import Contract
from orders.models.deals import Deal
from orders.models.supplier_orders import SupplierOrder


def document_path(instance: "DocumentVersion", filename: str) -> str:
    return f"documents/{instance.deal_id}/{instance.uuid.hex}.pdf"


class DocumentVersion(models.Model):
    class Kind(models.TextChoices):
        CONTRACT = "contract", _("Contract with specification")
        SPECIFICATION = "specification", _("Specification")
        SUPPLIER_ORDER = "supplier_order", _("Supplier order")

    uuid = models.UUIDField(unique=True, editable=False)
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="documents")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("document"), max_length=30, choices=Kind)
    version = models.PositiveIntegerField(_("version"))
    number = models.CharField(_("record number"), max_length=80)
    record_state = models.CharField(_("record state"), max_length=30)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    size = models.PositiveIntegerField(_("size"))
    pages = models.PositiveSmallIntegerField(_("pages"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "version"],
                name="orders_document_version_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="orders_document_record")
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.get_kind_display()} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("orders:document-download", args=[self.uuid])

    @property
    def record_state_label(self) -> str:
        """The stage its record was in when this version was made, in words."""
        # A specification's state is its contract's: it is signed with the contract.
        stages = SupplierOrder.Stage if self.kind == self.Kind.SUPPLIER_ORDER else Contract.Stage
        try:
            return stages(self.record_state).label
        except ValueError:
            return self.record_state

    @property
    def filename(self) -> str:
        return f"{self.number.replace('/', '_')}_{self.kind}_v{self.version}.pdf"
