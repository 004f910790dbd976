"""The API's addresses, under /api/.

The schema needs a signed-in user or a token (like every endpoint); the documentation
page (Swagger UI, from the sidecar package's own static files) is a page of the site,
behind its login. ReDoc is left out: its page loads web fonts from Google.
"""

from django.contrib.auth.decorators import login_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from fulfilment.api.errors import not_found
from fulfilment.api.views import base, deals, lookup, payments, records, tasks

app_name = "api"

router = SimpleRouter()
router.register("counterparties", deals.CounterpartyViewSet, basename="counterparty")
router.register("deals", deals.DealViewSet, basename="deal")
router.register("supplier-orders", records.SupplierOrderViewSet, basename="supplier-order")
router.register("contracts", records.ContractViewSet, basename="contract")
router.register("specifications", records.SpecificationViewSet, basename="specification")
router.register("tasks", tasks.TaskViewSet, basename="task")
router.register("installments", payments.InstallmentViewSet, basename="installment")

urlpatterns = [
    path("schema/", base.SchemaView.as_view(), name="schema"),
    # The pages' login, not DRF's: a visitor who is not signed in is sent to log in.
    path(
        "docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path("lookup/", lookup.LookupView.as_view(), name="lookup"),
    path("me/", base.MeView.as_view(), name="me"),
    *router.urls,
    # Anything else under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"^", not_found),
]
