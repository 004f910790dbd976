"""Payment terms in the admin: assignments recompute schedules; payments are searchable."""

import datetime
from decimal import Decimal

import pytest

from payments.models import Installment, InstallmentChange, PaymentTerm, TermAssignment
from payments.services import payment_record
from tests.factories import ContractFactory, SupplierOrderFactory, deferral_term, prepayment_term

pytestmark = pytest.mark.django_db

D = datetime.date
ADD = "/admin/payments/termassignment/add/"


@pytest.fixture
def contract_order():
    """An order under a contract signed on Monday 2 March 2026, with no term yet."""
    contract = ContractFactory(stage="signed", contract_date=D(2026, 3, 2))
    return SupplierOrderFactory(
        deal=contract.deal,
        contract=contract,
        supplier=contract.counterparty,
        amount=Decimal("1000000.00"),
        planned_delivery_date=D(2026, 3, 20),
    )


def open_installments(order) -> list[tuple[Decimal, datetime.date]]:
    return list(
        order.installments.filter(state=Installment.State.OPEN)
        .order_by("position")
        .values_list("amount", "due_date")
    )


def test_a_contract_term_added_in_the_admin_schedules_the_contracts_orders(
    client_of, superuser, contract_order
):
    response = client_of(superuser).post(
        ADD, {"term": prepayment_term().pk, "contract": contract_order.contract_id}
    )

    assert response.status_code == 302
    assert open_installments(contract_order) == [
        (Decimal("300000.00"), D(2026, 3, 10)),  # 5 working days; 9 March is a day off
        (Decimal("700000.00"), D(2026, 4, 20)),  # 19 April is a Sunday
    ]


def test_a_term_changed_in_the_admin_recomputes_existing_installments_with_records(
    client_of, superuser, contract_order
):
    client = client_of(superuser)
    client.post(ADD, {"term": deferral_term().pk, "contract": contract_order.contract_id})
    assignment = TermAssignment.objects.get(contract=contract_order.contract)
    (old,) = contract_order.installments.all()

    response = client.post(
        f"/admin/payments/termassignment/{assignment.pk}/change/",
        {"term": prepayment_term().pk, "contract": contract_order.contract_id},
    )

    assert response.status_code == 302
    old.refresh_from_db()
    assert old.state == Installment.State.CANCELLED
    change = InstallmentChange.objects.get(installment=old, field="state")
    assert (change.new_value, change.reason, change.actor) == (
        "cancelled",
        "payment term changed",
        superuser,
    )
    assert [amount for amount, _due in open_installments(contract_order)] == [
        Decimal("300000.00"),
        Decimal("700000.00"),
    ]


def test_a_supplier_default_deleted_in_the_admin_cancels_the_orders_installments(
    client_of, superuser
):
    order = SupplierOrderFactory(planned_delivery_date=D(2026, 3, 20))
    client = client_of(superuser)
    client.post(ADD, {"term": deferral_term().pk, "supplier": order.supplier_id})
    assignment = TermAssignment.objects.get(supplier=order.supplier)
    assert open_installments(order) == [(Decimal("1200000.00"), D(2026, 4, 20))]

    response = client.post(
        f"/admin/payments/termassignment/{assignment.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not TermAssignment.objects.exists()
    assert open_installments(order) == []
    assert InstallmentChange.objects.filter(
        installment__supplier_order=order, new_value="cancelled", reason="payment term changed"
    ).exists()


def test_an_assignment_moved_to_another_contract_reschedules_both(
    client_of, superuser, contract_order
):
    other = SupplierOrderFactory(
        contract=ContractFactory(stage="signed", contract_date=D(2026, 3, 2)),
        planned_delivery_date=D(2026, 3, 20),
    )
    client = client_of(superuser)
    client.post(ADD, {"term": deferral_term().pk, "contract": contract_order.contract_id})
    assignment = TermAssignment.objects.get()

    client.post(
        f"/admin/payments/termassignment/{assignment.pk}/change/",
        {"term": deferral_term().pk, "contract": other.contract_id},
    )

    assert open_installments(contract_order) == []
    assert len(open_installments(other)) == 1


def test_an_assignment_needs_exactly_one_target(client_of, superuser, contract_order):
    response = client_of(superuser).post(
        ADD,
        {
            "term": deferral_term().pk,
            "contract": contract_order.contract_id,
            "supplier": contract_order.supplier_id,
        },
    )

    assert response.status_code == 200
    assert "Choose exactly one of a supplier order, a contract or a supplier." in (
        response.content.decode()
    )
    assert not TermAssignment.objects.exists()


def test_payments_and_changes_are_found_by_realization_and_order_number(
    client_of, superuser, accountant
):
    order = SupplierOrderFactory(planned_delivery_date=D(2026, 3, 20))
    other = SupplierOrderFactory()
    for supplier_order, reference in ((order, "п/п 4411"), (other, "п/п 9922")):
        installment = Installment.objects.create(
            supplier_order=supplier_order,
            position=1,
            share=Decimal(100),
            amount=Decimal("1000.00"),
            currency="RUB",
            base_event="delivery",
            due_date=D(2026, 4, 20),
        )
        payment_record(
            installment=installment,
            amount=Decimal("400.00"),
            paid_on=D(2026, 1, 15),
            reference=reference,
            actor=accountant,
        )
    client = client_of(superuser)

    for query in (order.deal.realization_number, order.number):
        payments = client.get("/admin/payments/payment/", {"q": query}).content.decode()
        assert "п/п 4411" in payments
        assert "п/п 9922" not in payments
        changes = client.get("/admin/payments/installmentchange/", {"q": query}).content.decode()
        assert "payment п/п 4411" in changes
        assert "payment п/п 9922" not in changes


def test_payments_and_changes_cannot_be_edited_in_the_admin(client_of, superuser):
    client = client_of(superuser)
    assert client.get("/admin/payments/payment/add/").status_code == 403
    assert client.get("/admin/payments/installmentchange/add/").status_code == 403


def test_a_term_whose_shares_do_not_add_up_is_refused_with_the_actual_sum(client_of, superuser):
    row = {"base_event": "delivery", "offset_days": "30", "day_type": "calendar"}
    data = {
        "name": "40 + 50",
        "active": "on",
        "installments-TOTAL_FORMS": "2",
        "installments-INITIAL_FORMS": "0",
        "installments-MIN_NUM_FORMS": "1",
        "installments-MAX_NUM_FORMS": "1000",
    }
    for index, share in enumerate(("40", "50")):
        data |= {f"installments-{index}-{k}": v for k, v in row.items()}
        data |= {
            f"installments-{index}-position": str(index + 1),
            f"installments-{index}-share": share,
            f"installments-{index}-day_off_rule": "next",
            f"installments-{index}-reminder_lead": "3",
        }

    response = client_of(superuser).post("/admin/payments/paymentterm/add/", data)

    assert response.status_code == 200
    assert "The shares add up to 90 %, not 100 %." in response.content.decode()
    assert not PaymentTerm.objects.filter(name="40 + 50").exists()


def term_rows(*rows: dict) -> dict:
    data = {
        "installments-TOTAL_FORMS": str(len(rows)),
        "installments-INITIAL_FORMS": "0",
        "installments-MIN_NUM_FORMS": "1",
        "installments-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        defaults = {"position": str(index + 1), "day_off_rule": "next", "reminder_lead": "3"}
        data |= {f"installments-{index}-{k}": v for k, v in (defaults | row).items()}
    return data


EXAMPLE = "/admin/payments/paymentterm/example/"


def test_the_worked_example_follows_the_rows_being_edited(client_of, superuser):
    """30 % within 5 working days of signing on 2 March 2026 (8 and 9 March are off), 70 %
    within 30 days of delivery on 20 March (19 April is a Sunday): not saved yet."""
    data = term_rows(
        {"share": "30", "base_event": "contract_signed", "offset_days": "5", "day_type": "working"},
        {"share": "70", "base_event": "delivery", "offset_days": "30", "day_type": "calendar"},
    )

    terms = PaymentTerm.objects.count()
    response = client_of(superuser).post(EXAMPLE, data)

    text = response.content.decode()
    assert "contract signed 2026-03-02, delivered 2026-03-20" in text
    assert "30 % due 2026-03-10" in text
    assert "70 % due 2026-04-20" in text
    assert PaymentTerm.objects.count() == terms  # nothing is saved


def test_the_worked_example_says_what_is_wrong_with_the_rows(client_of, superuser):
    client = client_of(superuser)
    shares = term_rows(
        {"share": "40", "base_event": "delivery", "offset_days": "30", "day_type": "calendar"},
        {"share": "50", "base_event": "delivery", "offset_days": "0", "day_type": "calendar"},
    )
    assert "The shares add up to 90 %, not 100 %." in client.post(EXAMPLE, shares).content.decode()

    offset = term_rows(
        {"share": "100", "base_event": "delivery", "offset_days": "-3", "day_type": "calendar"}
    )
    assert "Row 1:" in client.post(EXAMPLE, offset).content.decode()


def test_the_term_page_refreshes_its_example_with_htmx(client_of, superuser):
    term = deferral_term()
    page = client_of(superuser).get(f"/admin/payments/paymentterm/{term.pk}/change/")
    html = page.content.decode()
    assert f'hx-post="{EXAMPLE}"' in html
    assert '<script src="/static/django_htmx/htmx' in html  # the package's own, no CDN
    assert "delivered 2026-03-20" in html


def test_the_worked_example_is_for_staff_only(client_of, manager):
    response = client_of(manager).post(EXAMPLE, term_rows())
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
