"""Counterparties through the API: the same role map and INN checks as the page."""

import pytest

from orders.models import Counterparty
from tests.factories import CounterpartyFactory, valid_inn

pytestmark = pytest.mark.django_db


def test_a_manager_adds_and_corrects_a_counterparty(api_of, manager):
    client = api_of(manager)
    created = client.post(
        "/api/counterparties/", {"name": "АО «Север»", "inn": valid_inn(5), "kind": "customer"}
    )
    assert created.status_code == 201, created.json()
    changed = client.patch(f"/api/counterparties/{created.json()['id']}/", {"kpp": "770101001"})
    assert changed.status_code == 200
    assert Counterparty.objects.get().kpp == "770101001"


def test_a_wrong_inn_is_a_400_on_the_inn(api_of, manager):
    response = api_of(manager).post("/api/counterparties/", {"name": "ООО «Ошибка»", "inn": "123"})
    assert response.status_code == 400
    assert list(response.json()) == ["inn"]


def test_a_role_that_only_reads_counterparties_may_not_change_them(api_of, finance_clerk):
    counterparty = CounterpartyFactory(name="АО «Север»")
    client = api_of(finance_clerk)
    assert client.get(f"/api/counterparties/{counterparty.pk}/").json()["name"] == "АО «Север»"
    response = client.patch(f"/api/counterparties/{counterparty.pk}/", {"name": "Другое"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not include this work."}


def test_the_list_searches_by_name_and_inn_and_filters_by_kind(api_of, manager):
    CounterpartyFactory(name="АО «Север»", inn=valid_inn(7))
    CounterpartyFactory(name="ООО «Юг»", kind="supplier")
    client = api_of(manager)

    def names(**query):
        return [c["name"] for c in client.get("/api/counterparties/", query).json()["results"]]

    assert names(q="север") == ["АО «Север»"]
    assert names(q=valid_inn(7)) == ["АО «Север»"]
    assert names(kind="supplier") == ["ООО «Юг»"]
