import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction

from orders.models import Attachment, Deal
from orders.permissions import deal_edit_refusals
from orders.uploads import sha256_of, validate_upload


def attachment_add(
    *,
    deal: Deal,
    upload: UploadedFile,
    actor,
    category: str = Attachment.Category.OTHER,
) -> Attachment:
    """A file on the deal itself, from someone who may change the deal."""
    refusals = deal_edit_refusals(actor, deal)
    if refusals:
        raise PermissionDenied(refusals[0])
    return attachment_store(deal=deal, upload=upload, actor=actor, category=category)


def attachment_store(
    *,
    deal: Deal,
    upload: UploadedFile,
    actor,
    category: str = Attachment.Category.OTHER,
    record: models.Model | None = None,
) -> Attachment:
    """Check the file, store it, and record it against the deal or one of its records.

    The caller has checked that ``actor`` may attach to ``record``.
    """
    media_type = validate_upload(upload)
    record = record or deal
    attachment = Attachment(
        uuid=uuid.uuid4(),
        deal=deal,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        category=category,
        original_name=(upload.name or "file")[-255:],
        media_type=media_type,
        size=upload.size,
        sha256=sha256_of(upload),
        uploaded_by=actor,
    )
    attachment.full_clean(exclude=["file"])
    # The file is written before the row; if the row fails, the file is removed again,
    # so neither exists without the other.
    attachment.file.save(attachment.uuid.hex, upload, save=False)
    try:
        with transaction.atomic():
            attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
