"""The OpenAPI document and the documentation pages."""

import json
import re

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_the_schema_is_built_without_a_warning(tmp_path):
    # --fail-on-warn: an undocumented field or an ambiguous type fails the build.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert "/api/deals/{id}/transition/" in (tmp_path / "schema.yaml").read_text()


def test_the_served_schema_is_a_valid_openapi_document(api_of, manager):
    response = api_of(manager).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    operations = {
        (method.upper(), path) for path, methods in schema["paths"].items() for method in methods
    }
    assert {
        ("GET", "/api/deals/"),
        ("POST", "/api/deals/{id}/transition/"),
        ("POST", "/api/supplier-orders/{id}/transition/"),
        ("PUT", "/api/specifications/{id}/lines/"),
        ("POST", "/api/tasks/{id}/take/"),
        ("POST", "/api/installments/{id}/payments/"),
        ("GET", "/api/lookup/"),
    } <= operations
    refusal = schema["paths"]["/api/deals/{id}/transition/"]["post"]["responses"]["409"]
    assert refusal["content"]["application/json"]["schema"]["$ref"].endswith("/Refusal")
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}


def test_the_schema_is_yaml_by_default(api_of, manager):
    response = api_of(manager).get("/api/schema/")
    assert yaml.safe_load(response.content)["info"]["title"] == "Order fulfilment API"


def test_the_docs_are_served_from_our_own_static_files(client_of, manager):
    page = client_of(manager).get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "/api/schema/" in page
    assert re.findall(r"https?://", page) == []


def test_the_docs_are_behind_the_login(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
