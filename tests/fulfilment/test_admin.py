import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from orders.models import Deal, StageChange
from tests.factories import DealFactory, SupplierOrderFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("orders", "payments", "numbering", "fulfilment", "handover")
PROJECT_MODELS = [
    model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()
]


def _inlined() -> set:
    return {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m._meta.label)
def test_every_model_has_an_admin_page_or_is_shown_inline(model):
    assert model in admin.site._registry or model in _inlined(), (
        f"{model._meta.label} has no admin page and is no inline of one"
    )


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_list_and_form_opens(client_of, superuser, model):
    DealFactory()
    client = client_of(superuser)
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert client.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert client.get(reverse(f"{prefix}_changelist"), {"q": "R-2026-00042"}).status_code == 200
    assert client.get(reverse(f"{prefix}_add")).status_code in (200, 403)
    first = model._default_manager.first()
    if first is not None:
        assert client.get(reverse(f"{prefix}_change", args=[first.pk])).status_code == 200


@pytest.mark.parametrize(
    "model", [m for m in PROJECT_MODELS if m in admin.site._registry], ids=lambda m: m._meta.label
)
def test_every_project_admin_can_be_searched(model):
    assert admin.site._registry[model].search_fields, f"{model._meta.label} has no search"


def test_a_supplier_order_is_found_by_its_deals_number_and_cannot_be_edited(client_of, superuser):
    deal = DealFactory(stage=Deal.Stage.REALIZATION, realization_number="R-2026-00042")
    order = SupplierOrderFactory(deal=deal, number="R-2026-00042/SO-1")
    SupplierOrderFactory(number="R-2026-00043/SO-1")
    client = client_of(superuser)
    page = client.get("/admin/orders/supplierorder/", {"q": "R-2026-00042"}).content.decode()
    assert "R-2026-00042/SO-1" in page
    assert "R-2026-00043/SO-1" not in page
    change = client.get(reverse("admin:orders_supplierorder_change", args=[order.pk]))
    assert change.status_code == 200
    assert 'name="stage"' not in change.content.decode()
    assert 'name="number"' not in change.content.decode()
    response = client.post(
        reverse("admin:orders_supplierorder_change", args=[order.pk]), {"stage": "closed"}
    )
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.stage != "closed"


def test_the_admin_finds_a_deal_by_its_number(client_of, superuser):
    DealFactory(title="Насосы", stage=Deal.Stage.REALIZATION, realization_number="R-2026-00042")
    DealFactory(title="Клапаны")
    page = client_of(superuser).get("/admin/orders/deal/", {"q": "R-2026-00042"}).content.decode()
    assert "Насосы" in page
    assert "Клапаны" not in page


def test_the_bulk_admin_action_moves_deals_through_the_service(client_of, superuser):
    ready = DealFactory.create_batch(3)
    incomplete = DealFactory(incomplete=True)
    response = client_of(superuser).post(
        "/admin/orders/deal/",
        {
            "action": "transition_start_realization",
            "_selected_action": [d.pk for d in [*ready, incomplete]],
        },
        follow=True,
    )
    page = response.content.decode()
    assert "3 deals moved." in page
    assert f"Deal #{incomplete.pk} not moved" in page
    assert Deal.objects.filter(stage=Deal.Stage.REALIZATION).count() == 3
    assert StageChange.objects.filter(target="realization", actor=superuser).count() == 3


def test_a_deal_saved_in_the_admin_records_its_creation(client_of, superuser):
    customer = DealFactory().customer
    response = client_of(superuser).post(
        "/admin/orders/deal/add/",
        {
            "title": "Поставка из админки",
            "customer": customer.pk,
            "manager": superuser.pk,
            "currency": "RUB",
            "stage_changes-TOTAL_FORMS": "0",
            "stage_changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    deal = Deal.objects.get(title="Поставка из админки")
    assert StageChange.objects.get(deal=deal).target == "new"
