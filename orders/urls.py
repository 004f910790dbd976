from django.urls import path

from orders.views import contracts, counterparties, deals, supplier_orders

app_name = "orders"

urlpatterns = [
    path("deals/", deals.deal_board, name="deal-board"),
    path("deals/new/", deals.deal_create, name="deal-create"),
    path("deals/<int:pk>/", deals.deal_detail, name="deal-detail"),
    path("deals/<int:pk>/edit/", deals.deal_edit, name="deal-edit"),
    path("deals/<int:pk>/transition/", deals.deal_transition, name="deal-transition"),
    path("deals/<int:pk>/attachments/", deals.attachment_upload, name="attachment-upload"),
    path("attachments/<uuid:uuid>/", deals.attachment_download, name="attachment-download"),
    path("search/", deals.number_search, name="number-search"),
    # Supplier orders
    path("supplier-orders/", supplier_orders.supplier_order_board, name="supplier-order-board"),
    path("supplier-orders/list/", supplier_orders.supplier_order_list, name="supplier-order-list"),
    path(
        "deals/<int:deal_pk>/supplier-orders/new/",
        supplier_orders.supplier_order_create,
        name="supplier-order-create",
    ),
    path(
        "supplier-orders/<int:pk>/",
        supplier_orders.supplier_order_detail,
        name="supplier-order-detail",
    ),
    path(
        "supplier-orders/<int:pk>/edit/",
        supplier_orders.supplier_order_edit,
        name="supplier-order-edit",
    ),
    path(
        "supplier-orders/<int:pk>/transition/",
        supplier_orders.supplier_order_transition,
        name="supplier-order-transition",
    ),
    path(
        "supplier-orders/<int:pk>/attachments/",
        supplier_orders.supplier_order_attach,
        name="supplier-order-attach",
    ),
    # Contracts and specifications
    path("deals/<int:deal_pk>/contracts/new/", contracts.contract_create, name="contract-create"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/edit/", contracts.contract_edit, name="contract-edit"),
    path(
        "contracts/<int:pk>/transition/", contracts.contract_transition, name="contract-transition"
    ),
    path("contracts/<int:pk>/attachments/", contracts.contract_attach, name="contract-attach"),
    path("contracts/<int:pk>/agreements/", contracts.agreement_add, name="agreement-add"),
    path(
        "contracts/<int:pk>/specifications/new/",
        contracts.specification_create,
        name="specification-create",
    ),
    path("specifications/<int:pk>/", contracts.specification_detail, name="specification-detail"),
    path(
        "specifications/<int:pk>/new-line/",
        contracts.specification_new_line,
        name="specification-new-line",
    ),
    # Documents
    path(
        "documents/<str:kind>/<int:pk>/generate/",
        contracts.document_generate,
        name="document-generate",
    ),
    path("documents/<uuid:uuid>/", contracts.document_download, name="document-download"),
    # Counterparties
    path("counterparties/", counterparties.counterparty_list, name="counterparty-list"),
    path("counterparties/new/", counterparties.counterparty_edit, name="counterparty-create"),
    path("counterparties/<int:pk>/", counterparties.counterparty_edit, name="counterparty-edit"),
    path(
        "counterparties/new-contact/",
        counterparties.counterparty_new_contact,
        name="counterparty-new-contact",
    ),
]
