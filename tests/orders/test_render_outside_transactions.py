"""WeasyPrint runs outside any transaction, so no lock is held while a document renders."""

import pytest
from django.db import connection

from orders import pdf as pdf_module
from orders import services
from orders.services import documents
from tests.factories import ContractFactory, SpecificationLineFactory

# serialized_rollback brings back the rows data migrations made (roles, number series).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_contract_pdf_renders_outside_any_transaction(monkeypatch, legal_clerk):
    contract = ContractFactory(deal__manager=legal_clerk)
    SpecificationLineFactory(specification__contract=contract)
    seen = []

    def render(template, context):
        seen.append(connection.in_atomic_block)
        return pdf_module.render_pdf(template, context)

    monkeypatch.setattr(documents, "render_pdf", render)

    version = services.document_generate(record=contract, kind="contract", actor=legal_clerk)

    assert seen == [False]
    assert version.version == 1
    assert version.file.read().startswith(b"%PDF")
