"""A deal in Realization gets its supplier orders, contract and specification, end to end."""

import pytest

from orders.models import Contract, DocumentVersion, Specification, SupplierOrder
from tests.factories import DealInRealizationFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def test_orders_contract_and_specification_show_on_the_card_and_are_found_by_number(
    client_of, manager, buyer, legal_clerk
):
    deal = DealInRealizationFactory(manager=manager, realization_number="R-2026-00042")
    supplier = SupplierFactory(name="ООО «Насосы»")
    procurement, legal = client_of(buyer), client_of(legal_clerk)
    for planned in ("2026-05-10", "2026-06-01"):
        response = procurement.post(
            f"/deals/{deal.pk}/supplier-orders/new/",
            {
                "supplier": supplier.pk,
                "amount": "600000.00",
                "currency": "RUB",
                "vat_rate": "20",
                "planned_delivery_date": planned,
                "buyer": buyer.pk,
            },
        )
        assert response.status_code == 302, response.content.decode()
    response = legal.post(
        f"/deals/{deal.pk}/contracts/new/",
        {"counterparty": supplier.pk, "kind": "supplier", "subject": "Поставка насосов"},
    )
    assert response.status_code == 302, response.content.decode()
    contract = Contract.objects.get()
    legal.post(f"/contracts/{contract.pk}/specifications/new/", {"date": "2026-04-06"})
    spec = Specification.objects.get()
    legal.post(
        spec.get_absolute_url(),
        {
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-name": "Насос центробежный",
            "lines-0-quantity": "2",
            "lines-0-unit": "шт.",
            "lines-0-unit_price": "250000.00",
            "lines-0-vat_rate": "20",
            "lines-0-hs_code": "8413709100",
            "lines-0-country_of_origin": "Россия",
        },
    )
    response = legal.post(f"/documents/contract/{contract.pk}/generate/", follow=True)
    assert "is ready." in response.content.decode()

    numbers = list(SupplierOrder.objects.order_by("pk").values_list("number", flat=True))
    assert numbers == ["R-2026-00042/SO-1", "R-2026-00042/SO-2"]
    assert (contract.number, spec.number) == ("R-2026-00042/C-1", "R-2026-00042/SP-1")
    assert spec.lines.count() == 1
    version = DocumentVersion.objects.get()
    assert (version.kind, version.version, version.number) == ("contract", 1, contract.number)

    card = client_of(manager).get(deal.get_absolute_url()).content.decode()
    for text in (*numbers, contract.number, spec.number, "0 ordered, 0 of 2 delivered"):
        assert text in card, text
    assert "Contract with specification, v1" in card

    response = client_of(manager).get("/search/", {"q": "r-2026-00042/so-2"})
    second = SupplierOrder.objects.get(number="R-2026-00042/SO-2")
    assert response.url == second.get_absolute_url()
    assert "R-2026-00042/SO-2" in client_of(manager).get(response.url).content.decode()
