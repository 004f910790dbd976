import pytest

from orders.models import Counterparty

pytestmark = pytest.mark.django_db


def test_a_wrong_inn_is_refused_next_to_the_field(client_of, manager):
    response = client_of(manager).post(
        "/counterparties/new/", {"name": "ООО «Ромашка»", "inn": "7707083894", "kind": "customer"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "check digits do not match" in page
    assert not Counterparty.objects.exists()


def test_a_valid_counterparty_is_saved(client_of, manager):
    response = client_of(manager).post(
        "/counterparties/new/",
        {"name": "ПАО Сбербанк", "inn": "7707083893", "kpp": "773601001", "kind": "supplier"},
    )
    assert response.status_code == 302
    assert Counterparty.objects.get().inn == "7707083893"


def test_the_same_inn_and_kpp_cannot_be_entered_twice(client_of, manager):
    data = {"name": "ПАО Сбербанк", "inn": "7707083893", "kpp": "773601001", "kind": "supplier"}
    client = client_of(manager)
    client.post("/counterparties/new/", data)
    response = client.post("/counterparties/new/", data)
    assert "already exists" in response.content.decode()
    assert Counterparty.objects.count() == 1


def test_the_back_office_reads_counterparties_but_cannot_edit_them(client_of, finance_clerk):
    client = client_of(finance_clerk)
    assert client.get("/counterparties/").status_code == 200
    assert client.get("/counterparties/new/").status_code == 403
