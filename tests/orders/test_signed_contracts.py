"""A signed contract is read-only: its documents stay as signed, and its agreements make sense."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from orders import services
from orders.models import DocumentVersion, SupplementaryAgreement
from orders.models.contracts import validate_hs_code
from payments.models import Installment
from payments.selectors import payment_packs
from tests.factories import (
    ContractFactory,
    DealInRealizationFactory,
    SpecificationFactory,
    SpecificationLineFactory,
    SupplierOrderFactory,
)

pytestmark = pytest.mark.django_db

MOSCOW = datetime.timezone(datetime.timedelta(hours=3))
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def at(day: int, hour: int = 10):
    return time_machine.travel(datetime.datetime(2026, 3, day, hour, tzinfo=MOSCOW), tick=False)


def sign(contract, actor, on=datetime.date(2026, 3, 4)):
    return services.contract_transition(
        contract=contract, name="sign", actor=actor, dates={"contract_date": on}
    )


def test_the_payment_pack_carries_the_contract_pdf_that_was_signed(legal_clerk):
    contract = ContractFactory(
        deal=DealInRealizationFactory(realization_number="R-2026-00042"),
        stage="sent_for_signature",
    )
    SpecificationLineFactory(specification=SpecificationFactory(contract=contract))
    with at(2):
        services.document_generate(record=contract, kind="contract", actor=legal_clerk)
    with at(3):
        signed_version = services.document_generate(
            record=contract, kind="contract", actor=legal_clerk
        )
    with at(4):
        contract = sign(contract, legal_clerk)
    with at(5):
        # A version stored after the signing (as older data may hold) is not what was signed.
        DocumentVersion.objects.create(
            uuid=uuid.uuid4(),
            deal=contract.deal,
            record=contract,
            kind=DocumentVersion.Kind.CONTRACT,
            version=3,
            number=contract.number,
            record_state="signed",
            file=ContentFile(PDF, name="later.pdf"),
            size=len(PDF),
            pages=1,
            sha256="0" * 64,
            created_by=legal_clerk,
        )
    order = SupplierOrderFactory(deal=contract.deal, contract=contract)
    installment = Installment.objects.create(
        supplier_order=order,
        position=1,
        share=Decimal(100),
        amount=Decimal("1000.00"),
        currency="RUB",
        base_event="delivery",
        base_date=datetime.date(2026, 3, 20),
        due_date=datetime.date(2026, 4, 20),
        reminder_date=datetime.date(2026, 4, 15),
    )

    pack = {item.key: item for item in payment_packs([installment])[installment.pk]}

    assert pack["contract"].links == ((str(signed_version), signed_version.get_absolute_url()),)
    assert "v2" in pack["contract"].links[0][0]


def test_a_contract_not_yet_signed_has_no_signed_pdf_in_the_pack(legal_clerk):
    contract = ContractFactory(stage="sent_for_signature")
    services.document_generate(record=contract, kind="contract", actor=legal_clerk)
    order = SupplierOrderFactory(deal=contract.deal, contract=contract)
    installment = Installment.objects.create(
        supplier_order=order,
        position=1,
        share=Decimal(100),
        amount=Decimal("1000.00"),
        currency="RUB",
        base_event="delivery",
        base_date=datetime.date(2026, 3, 20),
        due_date=datetime.date(2026, 4, 20),
        reminder_date=datetime.date(2026, 4, 15),
    )
    pack = {item.key: item for item in payment_packs([installment])[installment.pk]}
    assert pack["contract"].links == ()


@pytest.mark.parametrize("kind", ["contract", "specification"])
def test_the_pdf_of_a_signed_contract_is_not_made_again(client_of, legal_clerk, kind):
    contract = ContractFactory(stage="sent_for_signature")
    spec = SpecificationFactory(contract=contract)
    with at(2):
        record = contract if kind == "contract" else spec
        services.document_generate(record=record, kind=kind, actor=legal_clerk)
    with at(4):
        sign(contract, legal_clerk)

    with pytest.raises(PermissionDenied, match="is signed: its documents stay as they were"):
        services.document_generate(record=record, kind=kind, actor=legal_clerk)
    response = client_of(legal_clerk).post(f"/documents/{kind}/{record.pk}/generate/", follow=True)
    html = response.content.decode()
    assert f"Contract {contract.number} is signed: its documents stay as they were" in html
    assert "Make the PDF" not in html
    assert DocumentVersion.objects.filter(kind=kind).count() == 1


def test_the_documents_list_shows_the_state_each_version_was_made_in(client_of, legal_clerk):
    contract = ContractFactory(stage="draft")
    services.document_generate(record=contract, kind="contract", actor=legal_clerk)
    services.contract_transition(contract=contract, name="submit_for_review", actor=legal_clerk)
    contract.refresh_from_db()
    services.document_generate(record=contract, kind="contract", actor=legal_clerk)

    html = client_of(legal_clerk).get(contract.get_absolute_url()).content.decode()
    documents = html[html.index('id="documents"') :]
    v2, v1 = documents.index(", v2"), documents.index(", v1")
    assert "Legal review" in documents[v2:v1]
    assert "Draft" in documents[v1 : documents.index("</section>")]

    deal_html = client_of(legal_clerk).get(contract.deal.get_absolute_url()).content.decode()
    deal_documents = deal_html[deal_html.index('<section class="card" id="documents"') :]
    assert deal_documents.count('data-testid="document-state"') == 2
    assert "Legal review" in deal_documents


# --- HS codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["８４１３７０９１００", "٨٤١٣٧٠٩١٠٠", "84137091０0"])
def test_a_customs_code_in_other_digits_than_0_to_9_is_refused(value):
    with pytest.raises(ValidationError, match="is typed with the digits 0–9"):
        validate_hs_code(value)


def test_a_customs_code_of_ten_ascii_digits_is_accepted_and_nine_refused():
    validate_hs_code("8413709100")
    with pytest.raises(ValidationError, match="has 9 digits"):
        validate_hs_code("841370910")


def test_a_specification_line_with_full_width_digits_is_refused_on_the_page(client_of, legal_clerk):
    spec = SpecificationFactory()
    response = client_of(legal_clerk).post(
        spec.get_absolute_url(),
        {
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-name": "Насос",
            "lines-0-quantity": "1",
            "lines-0-unit": "шт.",
            "lines-0-unit_price": "100.00",
            "lines-0-vat_rate": "20",
            "lines-0-hs_code": "８４１３７０９１００",
            "lines-0-country_of_origin": "Россия",
        },
        follow=True,
    )
    assert "is typed with the digits 0–9" in response.content.decode()
    assert not spec.lines.exists()


# --- Supplementary agreements -----------------------------------------------------------------


def agreement(contract, actor, date):
    return services.agreement_add(
        contract=contract,
        actor=actor,
        date=date,
        subject="Срок поставки переносится",
        upload=SimpleUploadedFile("ДС.pdf", PDF),
    )


@at(10)
def test_an_agreement_dated_before_its_contract_is_refused_naming_the_date(legal_clerk):
    contract = ContractFactory(stage="signed", contract_date=datetime.date(2026, 3, 4))
    with pytest.raises(ValidationError) as refused:
        agreement(contract, legal_clerk, datetime.date(2026, 3, 3))
    assert refused.value.message_dict == {
        "date": ["The agreement date (March 3, 2026) is before the contract date (March 4, 2026)."]
    }
    assert not SupplementaryAgreement.objects.exists()


@at(10)
def test_an_agreement_dated_more_than_a_year_ahead_is_refused(client_of, legal_clerk):
    contract = ContractFactory(stage="signed", contract_date=datetime.date(2026, 3, 4))
    response = client_of(legal_clerk).post(
        f"/contracts/{contract.pk}/agreements/",
        {"date": "2027-04-01", "subject": "Цена", "file": SimpleUploadedFile("ДС.pdf", PDF)},
        follow=True,
    )
    assert (
        "The agreement date (April 1, 2027) is more than a year ahead: please check the year."
        in response.content.decode()
    )
    assert not SupplementaryAgreement.objects.exists()


@at(10)
def test_an_agreement_dated_on_or_after_its_contract_is_added(legal_clerk):
    contract = ContractFactory(stage="signed", contract_date=datetime.date(2026, 3, 4))
    added = agreement(contract, legal_clerk, datetime.date(2026, 3, 4))
    assert str(added) == f"{contract.number}/SA-1"
