import contextlib
import uuid

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
    attachment = attachment_prepare(deal=deal, upload=upload, actor=actor, category=category)
    with attachment_saving(attachment):
        attachment.record = record or deal
        attachment.save()
    return attachment


def attachment_prepare(
    *, deal: Deal, upload: UploadedFile, actor, category: str = Attachment.Category.OTHER
) -> Attachment:
    """Check the file and write it to storage, returning the row still unsaved.

    A service that records the file together with a new record under a lock prepares it
    first, so the lock is not held while the file is checked and written, and saves the
    row inside ``attachment_saving``.
    """
    media_type = validate_upload(upload)
    attachment = Attachment(
        uuid=uuid.uuid4(),
        deal=deal,
        category=category,
        original_name=(upload.name or "file")[-255:],
        media_type=media_type,
        size=upload.size,
        sha256=sha256_of(upload),
        uploaded_by=actor,
    )
    attachment.full_clean(exclude=["file", "content_type", "object_id"])
    attachment.file.save(attachment.uuid.hex, upload, save=False)
    return attachment


@contextlib.contextmanager
def attachment_saving(attachment: Attachment):
    """The block that saves a prepared attachment's row: if the block fails, the written
    file is removed again, so neither the file nor the row exists without the other."""
    try:
        with transaction.atomic():
            yield attachment
    except BaseException:
        attachment.file.delete(save=False)
        raise
