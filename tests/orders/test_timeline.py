"""The deal card: one timeline of everything, and a fixed number of queries for it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fulfilment.handover import services as task_services
from fulfilment.handover.models import Task
from orders import services
from orders.models import Deal
from orders.timeline import deal_timeline
from payments.models import PaymentTerm
from payments.services import payment_record, term_assign
from tests.factories import DealFactory, DealInRealizationFactory, SupplierFactory
from tests.fulfilment.factories import TaskFactory

pytestmark = pytest.mark.django_db


def realized(manager):
    return services.deal_transition(
        deal=DealFactory(manager=manager), name="start_realization", actor=manager
    )


def test_the_timeline_shows_every_kind_of_event_newest_first(
    manager, buyer, legal_clerk, finance_clerk, customs_clerk
):
    deal = realized(manager)
    order = services.supplier_order_create(
        deal=deal, actor=buyer, data={"supplier": SupplierFactory(), "amount": 1000}
    )
    services.supplier_order_transition(
        order=order, name="place", actor=buyer, dates={"order_date": timezone.localdate()}
    )
    contract = services.contract_create(
        deal=deal, actor=legal_clerk, data={"counterparty": order.supplier, "subject": "Поставка"}
    )
    services.document_generate(record=contract, kind="contract", actor=legal_clerk)
    services.attachment_add(
        deal=deal, upload=SimpleUploadedFile("КП.pdf", b"%PDF-1.7\n"), actor=manager
    )
    task = Task.objects.get(deal=deal, department__code="finance")
    task_services.task_comment_add(task=task, author=finance_clerk, text="Бюджет согласован")
    task_services.task_transition(task=task, name="complete", actor=finance_clerk)

    entries = deal_timeline(deal, user=manager)
    texts = [entry.text for entry in entries]
    assert [entry.at for entry in entries] == sorted((entry.at for entry in entries), reverse=True)
    assert texts[0].startswith(f"Task “{task.title}”: Done")
    assert "Comment on “" in texts[1]
    for expected in (
        "Deal: Negotiation → Realization",
        f"Supplier order {order.number}: Draft → Ordered",
        f"Contract {contract.number} created (Draft)",
        f"Document generated: {contract.number}",
        "File attached: КП.pdf",
        f"Task created: {task.title}",
    ):
        assert any(text.startswith(expected) for text in texts), expected


@pytest.mark.parametrize("records", [1, 12])
def test_the_deal_card_runs_the_same_queries_for_few_and_many_records(
    client_of, manager, director, buyer, legal_clerk, accountant, records, django_assert_num_queries
):
    deal = realized(manager)
    term = PaymentTerm.objects.get(installments__base_event="delivery", installments__share=100)
    for _ in range(records):
        order = services.supplier_order_create(
            deal=deal,
            actor=buyer,
            data={
                "supplier": SupplierFactory(),
                "amount": 1000,
                "planned_delivery_date": timezone.localdate(),
            },
        )
        term_assign(term=term, supplier_order=order, actor=accountant)
        payment_record(
            installment=order.installments.get(),
            amount=10,
            paid_on=timezone.localdate(),
            reference="1",
            actor=accountant,
        )
        contract = services.contract_create(
            deal=deal, actor=legal_clerk, data={"counterparty": order.supplier, "subject": "—"}
        )
        services.document_generate(record=contract, kind="contract", actor=legal_clerk)
        TaskFactory(deal=deal)
    client = client_of(director)  # the director sees every panel, payments included
    client.get(deal.get_absolute_url())  # a running server has its content types cached
    # The deal card with its panels (plan, tasks, contracts, supplier orders, payments,
    # documents) and a timeline gathered from every source, whatever their sizes.
    with django_assert_num_queries(26):
        response = client.get(deal.get_absolute_url())
    html = response.content.decode()
    assert html.count('id="deal-payments"') == 1
    assert html.count("Payment recorded") == records
    assert html.count("Document generated") == records


def test_a_lost_deal_card_still_opens(client_of, manager):
    deal = DealFactory(manager=manager, stage=Deal.Stage.LOST)
    assert client_of(manager).get(deal.get_absolute_url()).status_code == 200


def test_a_tasks_files_and_comments_show_only_to_those_who_may_open_the_task(
    client_of, departments, legal_clerk, customs_clerk
):
    task = TaskFactory(deal=DealInRealizationFactory(), department=departments["legal"])
    task_services.task_attachment_add(
        task=task,
        upload=SimpleUploadedFile("Проект договора.pdf", b"%PDF-1.7\n"),
        actor=legal_clerk,
    )
    task_services.task_comment_add(
        task=task, author=legal_clerk, text="Неустойка 0,1 % в день, не больше"
    )
    task_services.task_transition(task=task, name="start", actor=legal_clerk)

    # Foreign trade sees every deal in Realization, but not legal's task on it.
    customs = client_of(customs_clerk).get(task.deal.get_absolute_url())
    assert customs.status_code == 200
    page = customs.content.decode()
    assert "Проект договора.pdf" not in page
    assert "Неустойка" not in page
    assert task.get_absolute_url() + "#comments" not in page

    page = client_of(legal_clerk).get(task.deal.get_absolute_url()).content.decode()
    assert "File attached: Проект договора.pdf" in page
    assert "Неустойка 0,1 % в день, не больше" in page


def test_payments_show_in_the_timeline_only_to_those_who_see_payments(
    client_of, manager, buyer, accountant
):
    deal = realized(manager)
    order = services.supplier_order_create(
        deal=deal, actor=buyer, data={"supplier": SupplierFactory(), "amount": 1000}
    )
    term = PaymentTerm.objects.get(installments__base_event="delivery", installments__share=100)
    term_assign(term=term, supplier_order=order, actor=accountant)
    payment_record(
        installment=order.installments.get(),
        amount=10,
        paid_on=timezone.localdate(),
        reference="1",
        actor=accountant,
    )

    assert (
        "Payment recorded" not in client_of(manager).get(deal.get_absolute_url()).content.decode()
    )
    page = client_of(accountant).get(deal.get_absolute_url()).content.decode()
    assert "Payment recorded" in page
