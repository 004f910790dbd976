"""Files on records: who may download them, and which records take new files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fulfilment.handover.selectors import tasks_visible_to
from orders.models import Attachment
from orders.services import attachment_store
from orders.visibility import (
    register_record_visibility,
    registered_record_visibility,
    unregister_record_visibility,
)
from tests.factories import ContractFactory, DealFactory, SupplierOrderFactory
from tests.fulfilment.factories import TaskFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name="Счёт поставщика.pdf"):
    return SimpleUploadedFile(name, PDF)


@pytest.fixture
def task_visibility():
    """Tasks' files are served by the rule the hand-over process registers for tasks."""
    before = registered_record_visibility().get("handover.task")
    register_record_visibility("handover.task", tasks_visible_to)
    yield
    if before is None:
        unregister_record_visibility("handover.task")
    else:
        register_record_visibility("handover.task", before)


def test_a_file_on_a_task_is_served_only_to_those_who_may_see_the_task(
    client_of, departments, legal_clerk, buyer, customs_clerk, task_visibility
):
    task = TaskFactory(department=departments["legal"])
    task.participant_departments.add(departments["procurement"])
    attachment = attachment_store(deal=task.deal, upload=pdf(), actor=buyer, record=task)
    url = attachment.get_absolute_url()

    assert client_of(legal_clerk).get(url).status_code == 200  # the task's department
    assert client_of(buyer).get(url).status_code == 200  # a taking-part department
    # Foreign trade sees every deal in Realization, but not this task.
    assert client_of(customs_clerk).get(task.deal.get_absolute_url()).status_code == 200
    assert client_of(customs_clerk).get(url).status_code == 404


def test_a_file_on_a_task_is_served_to_its_department_even_on_a_deal_it_does_not_browse(
    client_of, departments, manager, legal_clerk, customs_clerk, task_visibility
):
    # A rule may make a task for legal on a deal still in Negotiation, which legal does
    # not browse: the task and the material attached to it are theirs all the same.
    task = TaskFactory(department=departments["legal"], deal=DealFactory(manager=manager))
    attachment = attachment_store(deal=task.deal, upload=pdf(), actor=legal_clerk, record=task)

    assert client_of(legal_clerk).get(task.deal.get_absolute_url()).status_code == 404
    assert client_of(legal_clerk).get(attachment.get_absolute_url()).status_code == 200
    assert client_of(customs_clerk).get(attachment.get_absolute_url()).status_code == 404
    # The deal's manager sees the task on the deal's card, and so its file.
    assert client_of(manager).get(attachment.get_absolute_url()).status_code == 200


def test_a_file_on_a_record_of_a_kind_nobody_registered_is_served_to_nobody(
    client_of, departments, legal_clerk, buyer
):
    saved = unregister_record_visibility("handover.task")
    try:
        task = TaskFactory(department=departments["legal"])
        attachment = attachment_store(deal=task.deal, upload=pdf(), actor=buyer, record=task)
        assert client_of(legal_clerk).get(attachment.get_absolute_url()).status_code == 404
    finally:
        if saved is not None:
            register_record_visibility("handover.task", saved)


def test_files_on_orders_and_contracts_are_served_to_those_who_see_the_deal(
    client_of, manager, other_manager, buyer
):
    order = SupplierOrderFactory(deal__manager=manager)
    contract = ContractFactory(deal=order.deal)
    for record in (order, contract):
        attachment = attachment_store(deal=order.deal, upload=pdf(), actor=buyer, record=record)
        response = client_of(manager).get(attachment.get_absolute_url())
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert client_of(other_manager).get(attachment.get_absolute_url()).status_code == 404


# --- Uploads over HTTP ------------------------------------------------------------------


def test_a_buyer_uploads_the_supplier_invoice_to_an_order(client_of, buyer):
    order = SupplierOrderFactory()
    response = client_of(buyer).post(
        f"/supplier-orders/{order.pk}/attachments/",
        {"file": pdf(), "category": "supplier_invoice"},
        follow=True,
    )
    assert "The file is attached." in response.content.decode()
    attachment = Attachment.objects.get()
    assert (attachment.record, attachment.category) == (order, "supplier_invoice")
    assert "Счёт поставщика.pdf" in response.content.decode()


def test_an_oversize_file_is_refused_on_an_order(client_of, buyer, settings):
    settings.ATTACHMENT_MAX_SIZE_MB = 1
    order = SupplierOrderFactory()
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    response = client_of(buyer).post(
        f"/supplier-orders/{order.pk}/attachments/",
        {"file": big, "category": "supplier_invoice"},
        follow=True,
    )
    assert "files may be at most 1.0\xa0MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_of_the_wrong_type_is_refused_on_a_contract(client_of, legal_clerk):
    contract = ContractFactory()
    response = client_of(legal_clerk).post(
        f"/contracts/{contract.pk}/attachments/",
        {"file": SimpleUploadedFile("договор.pdf", b"MZ\x90\x00 not a pdf"), "category": "other"},
        follow=True,
    )
    assert "is not a PDF, PNG, JPEG, Office document or plain text file" in (
        response.content.decode()
    )
    assert not Attachment.objects.exists()


def test_an_oversize_file_is_refused_on_a_contract(client_of, legal_clerk, settings):
    settings.ATTACHMENT_MAX_SIZE_MB = 1
    contract = ContractFactory()
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    response = client_of(legal_clerk).post(
        f"/contracts/{contract.pk}/attachments/", {"file": big, "category": "other"}, follow=True
    )
    assert "files may be at most 1.0\xa0MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_is_attached_to_a_contract_in_preparation(client_of, legal_clerk):
    contract = ContractFactory(stage="legal_review")
    response = client_of(legal_clerk).post(
        f"/contracts/{contract.pk}/attachments/",
        {"file": pdf("Протокол разногласий.pdf"), "category": "other"},
        follow=True,
    )
    assert "The file is attached." in response.content.decode()
    assert Attachment.objects.get().record == contract


def test_a_signed_contract_takes_only_the_scan_of_its_signed_copy(client_of, legal_clerk):
    contract = ContractFactory(stage="signed")
    client = client_of(legal_clerk)
    response = client.post(
        f"/contracts/{contract.pk}/attachments/",
        {"file": pdf("Новая редакция.pdf"), "category": "other"},
        follow=True,
    )
    assert (
        f"Contract {contract.number} is signed: it takes only the scan of its signed copy"
        in response.content.decode()
    )
    assert not Attachment.objects.exists()

    response = client.post(
        f"/contracts/{contract.pk}/attachments/",
        {"file": pdf("Скан договора.pdf"), "category": "signed_contract"},
        follow=True,
    )
    assert "The file is attached." in response.content.decode()
    assert Attachment.objects.get().category == "signed_contract"


def test_a_cancelled_contract_takes_no_files(client_of, legal_clerk):
    contract = ContractFactory(stage="cancelled")
    response = client_of(legal_clerk).post(
        f"/contracts/{contract.pk}/attachments/",
        {"file": pdf(), "category": "signed_contract"},
        follow=True,
    )
    assert f"Contract {contract.number} is cancelled: no files can be added to it." in (
        response.content.decode()
    )
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("stage", "word"), [("closed", "closed"), ("cancelled", "cancelled")])
def test_a_closed_or_cancelled_order_takes_no_files(client_of, buyer, stage, word):
    order = SupplierOrderFactory(stage=stage)
    response = client_of(buyer).post(
        f"/supplier-orders/{order.pk}/attachments/",
        {"file": pdf(), "category": "shipping_document"},
        follow=True,
    )
    assert f"Supplier order {order.number} is {word}: no files can be added to it." in (
        response.content.decode()
    )
    assert not Attachment.objects.exists()
