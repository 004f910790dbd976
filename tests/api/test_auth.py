"""Who may call the API: a token for other systems, the session for the browser."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import DealFactory

pytestmark = pytest.mark.django_db


def test_a_token_identifies_its_user(api_of, accountant):
    response = api_of(accountant).get("/api/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "maria"
    assert response.json()["roles"] == ["Accounting"]
    assert "payment.record" in response.json()["capabilities"]
    assert [d["code"] for d in response.json()["departments"]] == ["accounting"]


def test_a_revoked_token_is_refused_with_401(manager):
    token = Token.objects.create(user=manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/deals/").status_code == 200

    token.delete()  # what "delete" in the admin's token list does

    response = client.get("/api/deals/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert response["WWW-Authenticate"] == "Token"


def test_a_deactivated_users_token_is_refused(api_of, manager):
    client = api_of(manager)
    manager.is_active = False
    manager.save()
    assert client.get("/api/deals/").status_code == 401


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/deals/"),
        ("get", "/api/deals/1/"),
        ("post", "/api/deals/1/transition/"),
        ("get", "/api/tasks/"),
        ("get", "/api/installments/"),
        ("get", "/api/lookup/?number=R-2026-00001"),
        ("get", "/api/schema/"),
    ],
)
def test_an_anonymous_caller_gets_a_json_401_not_the_login_page(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_the_browser_session_works_and_its_writes_need_the_csrf_token(manager):
    deal = DealFactory(manager=manager)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(manager)

    assert browser.get(f"/api/deals/{deal.pk}/").json()["title"] == deal.title
    refused = browser.patch(
        f"/api/deals/{deal.pk}/", {"title": "Новое"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]


def test_an_unknown_address_under_api_is_a_json_404(api_of, manager):
    for url in ("/api/nothing/", "/api/deals/12/unknown/", "/api/deals"):
        response = api_of(manager).get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_a_role_without_the_capability_gets_403(api_of, manager):
    response = api_of(manager).get("/api/installments/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not include this work."}


def test_an_administrator_creates_and_revokes_a_token_in_the_admin(superuser, manager):
    admin = Client()
    admin.force_login(superuser)
    response = admin.post("/admin/authtoken/tokenproxy/add/", {"user": manager.pk})
    assert response.status_code == 302
    token = Token.objects.get(user=manager)
    listed = admin.get("/admin/authtoken/tokenproxy/", {"q": manager.username}).content.decode()
    assert token.key in listed

    system = APIClient()
    system.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert system.get("/api/deals/").status_code == 200

    response = admin.post(f"/admin/authtoken/tokenproxy/{manager.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=manager).exists()
    revoked = system.get("/api/deals/")
    assert revoked.status_code == 401
    assert revoked.json() == {"detail": "Invalid token."}
