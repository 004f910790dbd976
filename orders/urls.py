from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("deals/", views.deal_board, name="deal-board"),
    path("deals/new/", views.deal_create, name="deal-create"),
    path("deals/<int:pk>/", views.deal_detail, name="deal-detail"),
    path("deals/<int:pk>/edit/", views.deal_edit, name="deal-edit"),
    path("deals/<int:pk>/transition/", views.deal_transition, name="deal-transition"),
    path("deals/<int:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path("attachments/<uuid:uuid>/", views.attachment_download, name="attachment-download"),
    path("search/", views.number_search, name="number-search"),
    path("counterparties/", views.counterparty_list, name="counterparty-list"),
    path("counterparties/new/", views.counterparty_edit, name="counterparty-create"),
    path("counterparties/<int:pk>/", views.counterparty_edit, name="counterparty-edit"),
]
