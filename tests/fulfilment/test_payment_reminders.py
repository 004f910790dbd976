"""Payment reminders, escalations and late deliveries: one task each, never two, none lost."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from fulfilment.handover import date_rules
from fulfilment.handover.models import (
    LateDeliveryAlert,
    PaymentEscalation,
    PaymentReminder,
    Task,
    TaskEvent,
)
from fulfilment.models import OutboxMessage
from fulfilment.tasks import outbox_sweep_task
from orders import services as order_services
from payments.services import payment_record, term_assign
from tests.factories import (
    ContractFactory,
    DealInRealizationFactory,
    SupplierOrderFactory,
    deferral_term,
)
from tests.fulfilment.factories import RuleFactory

pytestmark = pytest.mark.django_db

D = datetime.date
MOSCOW = datetime.timezone(datetime.timedelta(hours=3))


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=MOSCOW)


@pytest.fixture
def delivered_order(buyer, accountant):
    """1 200 000 RUB delivered on Friday 20 March 2026 under 30 days' deferral: due Monday
    20 April (19 April is a Sunday), reminded three working days before, on 15 April."""
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        order = SupplierOrderFactory(
            deal=DealInRealizationFactory(realization_number="R-2026-00042"),
            number="R-2026-00042/SO-1",
            contract=None,
            amount=Decimal("1200000.00"),
            stage="shipped",
            order_date=D(2026, 3, 2),
            shipment_date=D(2026, 3, 16),
        )
        term_assign(term=deferral_term(), supplier_order=order, actor=accountant)
        order = order_services.supplier_order_transition(
            order=order, name="deliver", actor=buyer, dates={"actual_delivery_date": D(2026, 3, 20)}
        )
    return order


def reminder_tasks():
    return Task.objects.filter(payment_reminder__isnull=False)


def test_the_reminder_task_appears_when_its_date_comes_with_the_pack_and_what_is_missing(
    delivered_order, accountant
):
    installment = delivered_order.installments.get()
    assert (installment.due_date, installment.reminder_date) == (D(2026, 4, 20), D(2026, 4, 15))
    order_services.attachment_store(
        deal=delivered_order.deal,
        upload=SimpleUploadedFile("Счёт 1187.pdf", b"%PDF-1.7\n"),
        actor=accountant,
        category="supplier_invoice",
        record=delivered_order,
    )

    assert date_rules.payment_reminders_create(today=D(2026, 4, 14)) == 0
    assert date_rules.payment_reminders_create(today=D(2026, 4, 15)) == 1

    task = reminder_tasks().get()
    supplier = delivered_order.supplier.name
    assert (
        task.title
        == f"Prepare the payment for R-2026-00042/SO-1: 1,200,000.00 RUB to {supplier}, due 2026-04-20"
    )
    assert task.department.code == "accounting"
    assert task.assignee == accountant
    assert task.record == installment
    assert "✓ supplier invoice: Счёт 1187.pdf" in task.description
    assert (
        "Missing from the pack: signed contract, specification, shipping documents."
        in task.description
    )
    assert PaymentReminder.objects.get().missing == [
        "signed contract",
        "specification",
        "shipping documents",
    ]


def test_running_the_job_again_changes_nothing(delivered_order):
    date_rules.payment_reminders_create(today=D(2026, 4, 15))
    assert date_rules.payment_reminders_create(today=D(2026, 4, 15)) == 0
    assert date_rules.payment_reminders_create(today=D(2026, 4, 17)) == 0
    assert reminder_tasks().count() == 1


def test_a_job_after_an_outage_catches_up(delivered_order):
    assert date_rules.payment_reminders_create(today=D(2026, 4, 25)) == 1  # past the reminder date


def test_a_job_that_fails_halfway_is_retried_without_duplicates_or_gaps(buyer, accountant):
    orders = []
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        for _ in range(5):
            order = SupplierOrderFactory(
                stage="shipped",
                order_date=D(2026, 3, 2),
                shipment_date=D(2026, 3, 16),
                contract=None,
            )
            term_assign(term=deferral_term(), supplier_order=order, actor=accountant)
            orders.append(
                order_services.supplier_order_transition(
                    order=order,
                    name="deliver",
                    actor=buyer,
                    dates={"actual_delivery_date": D(2026, 3, 20)},
                )
            )
    real_write = date_rules.write_tasks
    calls = {"n": 0}

    def fail_on_the_second_batch(planned, actor):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("the worker lost its database")
        return real_write(planned, actor=actor)

    with (
        mock.patch.object(date_rules, "write_tasks", fail_on_the_second_batch),
        pytest.raises(ConnectionError),
    ):
        date_rules.payment_reminders_create(today=D(2026, 4, 15), batch=2)
    assert reminder_tasks().count() == 2  # the first batch committed; the second rolled back

    assert date_rules.payment_reminders_create(today=D(2026, 4, 15), batch=2) == 3
    assert reminder_tasks().count() == 5
    assert PaymentReminder.objects.filter(task__isnull=True).count() == 0


def test_a_moved_due_date_moves_the_open_reminder_instead_of_making_another(delivered_order, buyer):
    date_rules.payment_reminders_create(today=D(2026, 4, 15))
    task = reminder_tasks().get()
    # The delivery date was entered wrongly: it was Monday 23 March.
    order_services.supplier_order_update(
        order=delivered_order, actor=buyer, data={"actual_delivery_date": D(2026, 3, 23)}
    )

    installment = delivered_order.installments.get()
    assert installment.due_date == D(2026, 4, 22)
    task.refresh_from_db()
    assert task.deadline.astimezone(MOSCOW).date() == D(2026, 4, 22)
    assert "2026-04-22" in task.title
    event = task.events.get(kind=TaskEvent.Kind.DEADLINE)
    assert (event.old_value[:10], event.new_value[:10]) == ("2026-04-20", "2026-04-22")
    assert date_rules.payment_reminders_create(today=D(2026, 4, 17)) == 0
    assert reminder_tasks().count() == 1


def test_paying_the_installment_completes_its_reminder(delivered_order, accountant):
    date_rules.payment_reminders_create(today=D(2026, 4, 15))
    with time_machine.travel(at(D(2026, 4, 16)), tick=False):
        payment_record(
            installment=delivered_order.installments.get(),
            amount=Decimal("1200000.00"),
            paid_on=D(2026, 4, 16),
            reference="п/п 311",
            actor=accountant,
        )
    assert reminder_tasks().get().status == "done"


def test_cancelling_the_order_cancels_the_open_reminder(delivered_order, buyer):
    order = SupplierOrderFactory(
        stage="ordered",
        order_date=D(2026, 3, 2),
        planned_delivery_date=D(2026, 3, 20),
        contract=None,
    )
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        term_assign(term=deferral_term(), supplier_order=order, actor=buyer)
    date_rules.payment_reminders_create(today=D(2026, 4, 15))
    assert reminder_tasks().count() == 2
    order_services.supplier_order_transition(
        order=order, name="cancel", actor=buyer, comment="Отмена"
    )
    statuses = dict(
        reminder_tasks().values_list("payment_reminder__installment__supplier_order", "status")
    )
    assert statuses == {delivered_order.pk: "open", order.pk: "cancelled"}


def test_an_overdue_installment_escalates_once_to_the_director(
    delivered_order, director, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        assert (
            date_rules.payment_escalations_create(today=D(2026, 4, 20)) == 0
        )  # due today: not yet overdue
        assert date_rules.payment_escalations_create(today=D(2026, 4, 21)) == 1
        assert date_rules.payment_escalations_create(today=D(2026, 4, 28)) == 0
    escalation = PaymentEscalation.objects.get()
    assert escalation.task.assignee == director
    assert "R-2026-00042/SO-1" in escalation.task.title
    assert [m.to for m in mail.outbox if "R-2026-00042/SO-1" in m.subject] == [[director.email]]


def test_a_late_delivery_gives_procurement_one_task_per_planned_date(buyer):
    order = SupplierOrderFactory(stage="ordered", planned_delivery_date=D(2026, 4, 1), buyer=buyer)
    assert date_rules.late_deliveries_flag(today=D(2026, 4, 1)) == 0
    assert date_rules.late_deliveries_flag(today=D(2026, 4, 2)) == 1
    assert date_rules.late_deliveries_flag(today=D(2026, 4, 3)) == 0
    alert = LateDeliveryAlert.objects.get()
    assert (alert.task.department.code, alert.task.assignee, alert.task.record) == (
        "procurement",
        buyer,
        order,
    )
    # The supplier promises a new date, which passes too: a new task for the new date.
    order_services.supplier_order_update(
        order=order, actor=buyer, data={"planned_delivery_date": D(2026, 4, 10)}
    )
    assert date_rules.late_deliveries_flag(today=D(2026, 4, 13)) == 1
    assert LateDeliveryAlert.objects.count() == 2


def test_the_periodic_job_runs_all_three_rules(delivered_order):
    assert date_rules.date_rules_run(today=D(2026, 4, 21)) == {
        "reminders": 1,
        "escalations": 1,
        "late_deliveries": 0,
    }


def test_the_broker_down_during_a_transition_delays_the_mail_but_loses_nothing(
    buyer, accountant, departments, django_capture_on_commit_callbacks
):
    """A rule mails the accountant when the goods arrive; with the broker down at that
    moment the delivery, the task and the message are all kept, and the sweep sends it."""
    RuleFactory(
        trigger_kind="orders.supplierorder",
        trigger_stage="delivered",
        department=departments["accounting"],
        assignee_strategy="user",
        assignee=accountant,
        title_template="Check the delivery documents of {number}",
    )
    order = SupplierOrderFactory(
        stage="shipped", order_date=D(2026, 3, 2), shipment_date=D(2026, 3, 16), contract=None
    )
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        term_assign(term=deferral_term(), supplier_order=order, actor=accountant)
        with (
            mock.patch(
                "fulfilment.tasks.outbox_deliver_task.delay",
                side_effect=ConnectionError("broker down"),
            ) as delay,
            django_capture_on_commit_callbacks(execute=True),
        ):
            order_services.supplier_order_transition(
                order=order,
                name="deliver",
                actor=buyer,
                dates={"actual_delivery_date": D(2026, 3, 20)},
            )
    assert delay.called
    order.refresh_from_db()
    assert order.stage == "delivered"
    task = Task.objects.get(assignee=accountant)
    assert task.title == f"Check the delivery documents of {order.number}"
    assert mail.outbox == []
    assert OutboxMessage.objects.get(key=f"task-created:{task.pk}").sent_at is None

    assert outbox_sweep_task() == 1
    assert [(m.subject, m.to) for m in mail.outbox] == [(task.title, [accountant.email])]
    assert date_rules.payment_reminders_create(today=D(2026, 4, 15)) == 1


def test_a_signed_contract_pdf_completes_the_pack(buyer, accountant, legal_clerk):
    """The PDF made for signature is the one the pack carries once the contract is signed."""
    contract = ContractFactory(stage="sent_for_signature", contract_date=D(2026, 3, 2))
    order = SupplierOrderFactory(
        deal=contract.deal,
        contract=contract,
        supplier=contract.counterparty,
        stage="ordered",
        planned_delivery_date=D(2026, 3, 20),
    )
    with time_machine.travel(at(D(2026, 3, 10)), tick=False):
        term_assign(term=deferral_term(), supplier_order=order, actor=accountant)
    order_services.document_generate(record=contract, kind="contract", actor=legal_clerk)
    order_services.contract_transition(
        contract=contract, name="sign", actor=legal_clerk, dates={"contract_date": D(2026, 3, 2)}
    )
    date_rules.payment_reminders_create(today=D(2026, 4, 15))
    assert "signed contract" not in " ".join(PaymentReminder.objects.get().missing)


def test_a_due_date_that_disappears_takes_its_reminder_and_a_new_one_brings_a_new_reminder(
    buyer, accountant
):
    """Planned delivery on 20 March gives a provisional due date of 20 April; the buyer
    clears the planned date (the supplier gave none yet), then enters 27 March."""
    with time_machine.travel(at(D(2026, 3, 2)), tick=False):
        order = SupplierOrderFactory(
            stage="ordered",
            order_date=D(2026, 3, 2),
            planned_delivery_date=D(2026, 3, 20),
            contract=None,
        )
        term_assign(term=deferral_term(), supplier_order=order, actor=accountant)
    assert date_rules.payment_reminders_create(today=D(2026, 4, 15)) == 1
    first = reminder_tasks().get()

    with time_machine.travel(at(D(2026, 4, 16)), tick=False):
        order_services.supplier_order_update(
            order=order, actor=buyer, data={"planned_delivery_date": None}
        )
    installment = order.installments.get()
    assert installment.due_date is None
    first.refresh_from_db()
    assert first.status == Task.Status.CANCELLED
    assert not PaymentReminder.objects.exists()

    with time_machine.travel(at(D(2026, 4, 16)), tick=False):
        order_services.supplier_order_update(
            order=order, actor=buyer, data={"planned_delivery_date": D(2026, 4, 27)}
        )
    installment.refresh_from_db()
    assert (installment.due_date, installment.reminder_date) == (D(2026, 5, 27), D(2026, 5, 22))
    assert date_rules.payment_reminders_create(today=D(2026, 5, 22)) == 1
    second = reminder_tasks().get(status__in=Task.OPEN_STATUSES)
    assert second != first
    assert "due 2026-05-27" in second.title
