import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orders.models import Attachment
from tests.factories import DealFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(client, deal, name, content, category="signed_proposal"):
    return client.post(
        f"/deals/{deal.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content), "category": category},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("КП подписанное.pdf", PDF_BYTES, "application/pdf"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image/jpeg"),
        (
            "contract.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "old.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            "application/vnd.ms-office",
        ),
        ("notes.txt", "Договорённости: упаковка в ящики".encode(), "text/plain"),
    ],
)
def test_allowed_files_are_attached_and_downloaded_by_the_manager(
    client_of, manager, name, content, media_type
):
    deal = DealFactory(manager=manager)
    client = client_of(manager)

    response = upload(client, deal, name, content)

    assert "The file is attached." in response.content.decode()
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.media_type, attachment.size) == (
        name,
        media_type,
        len(content),
    )
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content


def test_an_executable_renamed_pdf_is_refused(client_of, manager):
    deal = DealFactory(manager=manager)
    response = upload(client_of(manager), deal, "invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)
    assert (
        "is not a PDF, PNG, JPEG, Office document or plain text file" in response.content.decode()
    )
    assert not Attachment.objects.exists()


def test_a_zip_that_is_not_an_office_document_is_refused(client_of, manager):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    response = upload(
        client_of(manager), DealFactory(manager=manager), "report.xlsx", buffer.getvalue()
    )
    assert "is not a PDF" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_oversize_file_is_refused_with_the_limit(client_of, manager, settings):
    settings.ATTACHMENT_MAX_SIZE_MB = 1
    deal = DealFactory(manager=manager)
    response = upload(client_of(manager), deal, "big.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    assert "files may be at most 1.0\xa0MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_another_managers_attachment_is_not_found(client_of, manager, other_manager):
    deal = DealFactory(manager=manager)
    upload(client_of(manager), deal, "kp.pdf", PDF_BYTES)
    attachment = Attachment.objects.get()

    response = client_of(other_manager).get(attachment.get_absolute_url())

    assert response.status_code == 404


def test_another_manager_cannot_attach_to_a_deal(client_of, manager, other_manager):
    deal = DealFactory(manager=manager)
    response = upload(client_of(other_manager), deal, "kp.pdf", PDF_BYTES)
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_the_stored_file_name_is_not_the_users(client_of, manager):
    deal = DealFactory(manager=manager)
    upload(client_of(manager), deal, "../../etc/passwd.txt", b"root:x:0:0")
    attachment = Attachment.objects.get()
    assert ".." not in attachment.file.name
    assert attachment.file.name == f"attachments/{deal.pk}/{attachment.uuid.hex}"
