"""What an uploaded file really is, judged by its first bytes rather than its name."""

import hashlib
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OLE = "application/vnd.ms-office"  # .doc, .xls, .ppt before 2007
TEXT = "text/plain"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_EXTENSIONS = (".txt", ".csv", ".md")
_HEAD_SIZE = 2048


def _office_open_xml_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, media_type in OOXML.items():
        if any(name.startswith(prefix) for name in names):
            return media_type
    return None


def _is_plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    # A full head may end in the middle of a character: leave its last bytes out.
    sample = head[:-4] if len(head) == _HEAD_SIZE else head
    for encoding in ("utf-8", "cp1251"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def sniff_media_type(upload: UploadedFile) -> str:
    """The file's type from its content; refuses anything outside the allowlist."""
    upload.seek(0)
    head = upload.read(_HEAD_SIZE)
    upload.seek(0)
    media_type = None
    if head.startswith(b"%PDF-"):
        media_type = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        media_type = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        media_type = JPEG
    elif head.startswith(_OLE_MAGIC):
        media_type = OLE
    elif head.startswith(b"PK\x03\x04"):
        media_type = _office_open_xml_type(upload)
    elif (upload.name or "").lower().endswith(_TEXT_EXTENSIONS) and _is_plain_text(head):
        media_type = TEXT
    upload.seek(0)
    if media_type is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, PNG, JPEG, Office document or plain text file "
                "(its content was checked, not its name)."
            ),
            params={"name": upload.name},
            code="file_type",
        )
    return media_type


def validate_upload(upload: UploadedFile) -> str:
    """Check size and type; return the media type."""
    limit = settings.ATTACHMENT_MAX_SIZE_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files may be at most %(limit)s."),
            params={
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty."), params={"name": upload.name})
    return sniff_media_type(upload)


def sha256_of(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
