"""Generated PDFs: the realization number on every page, Cyrillic intact, every version kept."""

import hashlib
import io

import pypdf
import pytest

from orders import services
from orders.models import DocumentVersion
from orders.pdf import ExternalResourceRefused, NoFetching
from tests.factories import (
    ContractFactory,
    DealInRealizationFactory,
    SpecificationFactory,
    SpecificationLineFactory,
    SupplierOrderFactory,
)

pytestmark = pytest.mark.django_db

NUMBER = "R-2026-00042"


def pages_of(version: DocumentVersion) -> list[str]:
    with version.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    # Table cells wrap, so words are compared with their spacing folded.
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture
def contract_with_long_specification():
    contract = ContractFactory(
        deal=DealInRealizationFactory(realization_number=NUMBER), subject="Поставка теплообменников"
    )
    spec = SpecificationFactory(contract=contract)
    for i in range(60):
        SpecificationLineFactory(
            specification=spec, position=i + 1, name=f"Теплообменник пластинчатый ТП-{i}"
        )
    return contract


def test_every_page_of_the_contract_carries_the_number_and_cyrillic_survives(
    contract_with_long_specification, legal_clerk
):
    version = services.document_generate(
        record=contract_with_long_specification, kind="contract", actor=legal_clerk
    )

    pages = pages_of(version)
    assert len(pages) == version.pages >= 3
    for number, text in enumerate(pages, start=1):
        assert NUMBER in text, f"page {number} lacks the realization number"
        assert f"{number} of {len(pages)}" in text.replace("из", "of")
    assert "Теплообменник пластинчатый ТП-59" in "".join(pages)
    assert "Поставка теплообменников" in pages[0]


def test_the_specification_and_the_supplier_order_render_with_the_number(legal_clerk, buyer):
    deal = DealInRealizationFactory(realization_number=NUMBER)
    spec = SpecificationFactory(contract=ContractFactory(deal=deal))
    SpecificationLineFactory(specification=spec, name="Клапан запорный")
    order = SupplierOrderFactory(deal=deal)
    for record, kind, actor, text in (
        (spec, "specification", legal_clerk, "Клапан запорный"),
        (order, "supplier_order", buyer, order.supplier.name),
    ):
        version = services.document_generate(record=record, kind=kind, actor=actor)
        pages = pages_of(version)
        assert all(NUMBER in page for page in pages)
        assert text in "".join(pages)


def test_each_generation_is_a_new_version_with_its_hash_and_state(
    contract_with_long_specification, legal_clerk
):
    first = services.document_generate(
        record=contract_with_long_specification, kind="contract", actor=legal_clerk
    )
    second = services.document_generate(
        record=contract_with_long_specification, kind="contract", actor=legal_clerk
    )
    assert (first.version, second.version) == (1, 2)
    with second.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == second.sha256
    assert (second.record_state, second.created_by) == ("draft", legal_clerk)


def test_documents_are_served_only_to_those_who_see_the_deal(
    client_of, legal_clerk, manager, other_manager
):
    contract = ContractFactory(deal=DealInRealizationFactory(manager=manager))
    version = services.document_generate(record=contract, kind="contract", actor=legal_clerk)
    response = client_of(manager).get(version.get_absolute_url())
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_of(other_manager).get(version.get_absolute_url()).status_code == 404


def test_a_sales_manager_cannot_generate_a_contract(client_of, manager):
    contract = ContractFactory(deal=DealInRealizationFactory(manager=manager))
    response = client_of(manager).post(f"/documents/contract/{contract.pk}/generate/", follow=True)
    assert "Your role does not include this work." in response.content.decode()
    assert not DocumentVersion.objects.exists()


def test_the_renderer_fetches_nothing(caplog):
    from weasyprint import HTML

    with pytest.raises(ExternalResourceRefused):
        NoFetching().fetch("https://example.com/logo.png")
    html = '<img src="https://example.com/logo.png"><link rel="stylesheet" href="file:///etc/passwd"><p>Текст</p>'
    pdf = HTML(string=html, url_fetcher=NoFetching()).write_pdf()  # refused, logged, rendered
    assert pdf.startswith(b"%PDF")
    assert "https://example.com/logo.png" in caplog.text
    assert "file:///etc/passwd" in caplog.text
