"""Contracts and specifications: numbers, steps, signing, read-only after signing, VAT."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from orders import services
from orders.models import Attachment, Contract, SpecificationLine, validate_hs_code
from orders.vat import totals, vat_within
from orders.workflow import TransitionRefused
from tests.factories import (
    ContractFactory,
    DealInRealizationFactory,
    SpecificationFactory,
    SpecificationLineFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def line(**fields):
    return {
        "name": "Насос",
        "quantity": Decimal("1"),
        "unit": "шт.",
        "unit_price": Decimal("100.00"),
        "vat_rate": 20,
        "hs_code": "8413709100",
        "country_of_origin": "Россия",
        **fields,
    }


def test_contracts_and_specifications_are_numbered_after_the_deal(legal_clerk):
    deal = DealInRealizationFactory(realization_number="R-2026-00042")
    contract = services.contract_create(
        deal=deal,
        actor=legal_clerk,
        data={"counterparty": SupplierFactory(), "subject": "Поставка насосов"},
    )
    second = services.contract_create(
        deal=deal,
        actor=legal_clerk,
        data={"counterparty": deal.customer, "kind": "customer", "subject": "Продажа"},
    )
    spec = services.specification_create(contract=contract, actor=legal_clerk, date=D(2026, 3, 2))
    assert (contract.number, second.number, spec.number) == (
        "R-2026-00042/C-1",
        "R-2026-00042/C-2",
        "R-2026-00042/SP-1",
    )


@time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_signing_records_who_and_when_and_the_date(legal_clerk):
    contract = ContractFactory()
    for name in ("submit_for_review", "send_for_signature"):
        contract = services.contract_transition(contract=contract, name=name, actor=legal_clerk)
    with pytest.raises(TransitionRefused, match="Enter the date of signing"):
        services.contract_transition(contract=contract, name="sign", actor=legal_clerk)
    with pytest.raises(TransitionRefused, match="cannot be in the future"):
        services.contract_transition(
            contract=contract,
            name="sign",
            actor=legal_clerk,
            dates={"contract_date": D(2026, 3, 11)},
        )
    contract = services.contract_transition(
        contract=contract, name="sign", actor=legal_clerk, dates={"contract_date": D(2026, 3, 9)}
    )
    assert (contract.stage, contract.contract_date, contract.signed_by) == (
        "signed",
        D(2026, 3, 9),
        legal_clerk,
    )
    assert contract.signed_at is not None


def test_a_signed_contract_and_its_specification_are_read_only(legal_clerk):
    spec = SpecificationFactory(contract=ContractFactory(stage=Contract.Stage.SIGNED))
    with pytest.raises(PermissionDenied, match="changes only by a supplementary agreement"):
        services.contract_update(
            contract=spec.contract, actor=legal_clerk, data={"subject": "Другое"}
        )
    with pytest.raises(PermissionDenied, match="changes only by a supplementary agreement"):
        services.specification_save_lines(specification=spec, actor=legal_clerk, lines=[line()])
    with pytest.raises(PermissionDenied):
        services.specification_create(contract=spec.contract, actor=legal_clerk, date=D(2026, 3, 2))


def test_a_signed_contract_takes_a_supplementary_agreement_with_its_file(legal_clerk):
    contract = ContractFactory(stage=Contract.Stage.SIGNED)
    agreement = services.agreement_add(
        contract=contract,
        actor=legal_clerk,
        date=D(2026, 4, 1),
        subject="Срок поставки продлён до 1 июня",
        upload=SimpleUploadedFile("ДС1.pdf", b"%PDF-1.7\n%%EOF\n"),
    )
    assert str(agreement) == f"{contract.number}/SA-1"
    file = Attachment.objects.get()
    assert (file.record, file.category, file.deal) == (
        agreement,
        "supplementary_agreement",
        contract.deal,
    )


def test_a_draft_contract_takes_no_supplementary_agreement_and_keeps_no_file(legal_clerk, settings):
    with pytest.raises(PermissionDenied, match="edited directly"):
        services.agreement_add(
            contract=ContractFactory(),
            actor=legal_clerk,
            date=D(2026, 4, 1),
            subject="—",
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.7\n"),
        )
    assert not Attachment.objects.exists()
    stored = [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]
    assert stored == []


@pytest.mark.parametrize(
    ("code", "digits"),
    [("8413", 4), ("84137091001", 11), ("8413.70.91", 8), ("84137O9100", 9)],
)
def test_an_hs_code_must_have_exactly_ten_digits(code, digits):
    with pytest.raises(ValidationError, match=f"has {digits} digits"):
        validate_hs_code(code)


def test_the_vat_arithmetic_of_a_specification_with_three_rates(legal_clerk):
    spec = SpecificationFactory()
    services.specification_save_lines(
        specification=spec,
        actor=legal_clerk,
        lines=[
            line(name="Насос", quantity=Decimal("3"), unit_price=Decimal("1234.57"), vat_rate=20),
            line(name="Клапан", quantity=Decimal("2.5"), unit_price=Decimal("99.99"), vat_rate=10),
            line(
                name="Экспортная поставка",
                quantity=Decimal("1"),
                unit_price=Decimal("5000.00"),
                vat_rate=0,
            ),
        ],
    )
    result = spec.totals()
    # 3 × 1 234.57 = 3 703.71 (VAT 20 %: 740.742 → 740.74);
    # 2.5 × 99.99 = 249.975 → 249.98 (VAT 10 %: 24.998 → 25.00); 5 000.00 at 0 %.
    assert result.net == Decimal("8953.69")
    assert result.vat_by_rate == {0: Decimal("0.00"), 10: Decimal("25.00"), 20: Decimal("740.74")}
    assert result.vat == Decimal("765.74")
    assert result.gross == Decimal("9719.43")


def test_vat_contained_in_an_amount_rounds_to_kopecks():
    assert vat_within(Decimal("1200000.00"), 20) == Decimal("200000.00")
    assert vat_within(Decimal("100.00"), 20) == Decimal("16.67")
    assert totals([]).gross == Decimal("0.00")


def test_lines_are_edited_in_place_kept_added_and_removed(legal_clerk):
    spec = SpecificationFactory()
    keep, drop = (
        SpecificationLineFactory(specification=spec, name="Оставить"),
        SpecificationLineFactory(specification=spec),
    )
    services.specification_save_lines(
        specification=spec,
        actor=legal_clerk,
        lines=[line(name="Новая"), {**line(name="Оставить, изменено"), "id": keep.pk}],
    )
    assert list(spec.lines.values_list("position", "name")) == [
        (1, "Новая"),
        (2, "Оставить, изменено"),
    ]
    assert not SpecificationLine.objects.filter(pk=drop.pk).exists()
    assert spec.lines.get(name="Оставить, изменено").pk == keep.pk


def test_a_bad_line_is_refused_with_its_number_and_nothing_changes(legal_clerk):
    spec = SpecificationFactory()
    SpecificationLineFactory(specification=spec, name="Было")
    with pytest.raises(ValidationError, match=r"Line 2: .*exactly 10 digits"):
        services.specification_save_lines(
            specification=spec, actor=legal_clerk, lines=[line(), line(hs_code="8413")]
        )
    assert list(spec.lines.values_list("name", flat=True)) == ["Было"]


def test_the_specification_page_saves_lines_and_shows_field_errors(client_of, legal_clerk):
    spec = SpecificationFactory()
    data = {
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-name": "Насос",
        "lines-0-quantity": "2",
        "lines-0-unit": "шт.",
        "lines-0-unit_price": "10.00",
        "lines-0-vat_rate": "20",
        "lines-0-hs_code": "123",
        "lines-0-country_of_origin": "Россия",
    }
    client = client_of(legal_clerk)
    response = client.post(
        spec.get_absolute_url(), data, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="spec-lines"
    )
    assert "exactly 10 digits" in response.content.decode()
    assert not spec.lines.exists()
    client.post(spec.get_absolute_url(), {**data, "lines-0-hs_code": "8413709100"})
    assert spec.lines.get().net == Decimal("20.00")


def test_the_new_line_row_raises_the_form_count(client_of, legal_clerk):
    spec = SpecificationFactory()
    html = (
        client_of(legal_clerk)
        .get(f"/specifications/{spec.pk}/new-line/", {"lines-TOTAL_FORMS": "3"})
        .content.decode()
    )
    assert 'name="lines-3-name"' in html
    assert 'id="id_lines-TOTAL_FORMS" value="4" hx-swap-oob="true"' in html
