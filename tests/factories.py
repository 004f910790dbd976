"""Factories for every model, used across the suite."""

import datetime
import hashlib
import uuid
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from numbering.models import ChildCounter, IssuedNumber, NumberCounter, NumberSeries
from orders.inn import _WEIGHTS_10, _check_digit
from orders.models import (
    Attachment,
    Contact,
    Contract,
    Counterparty,
    Deal,
    DocumentVersion,
    Specification,
    SpecificationLine,
    StageChange,
    SupplementaryAgreement,
    SupplierOrder,
)
from payments.models import (
    BaseEvent,
    CalendarFeed,
    Installment,
    InstallmentChange,
    Payment,
    PaymentTerm,
    TermAssignment,
    TermInstallment,
)

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("secret-pass-1")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for role in extracted:
                self.groups.add(Group.objects.get(name=role))


def valid_inn(n: int) -> str:
    base = f"77{n:07d}"
    return base + str(_check_digit([int(c) for c in base], _WEIGHTS_10))


class CounterpartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counterparty

    name = factory.Sequence(lambda n: f"ООО «Компания {n}»")
    inn = factory.Sequence(valid_inn)
    kpp = "770101001"
    kind = Counterparty.Kind.CUSTOMER


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    counterparty = factory.SubFactory(CounterpartyFactory)
    name = factory.Faker("name")


class DealFactory(factory.django.DjangoModelFactory):
    """A deal in Negotiation with a complete hand-over card, ready for Realization."""

    class Meta:
        model = Deal

    title = factory.Sequence(lambda n: f"Поставка оборудования №{n}")
    customer = factory.SubFactory(CounterpartyFactory)
    manager = factory.SubFactory(UserFactory)
    amount = Decimal("1250000.00")
    currency = "RUB"
    incoterms = "DAP"
    delivery_place = "Санкт-Петербург"
    delivery_address = "г. Санкт-Петербург, ул. Промышленная, д. 7"
    required_delivery_date = datetime.date(2026, 12, 15)
    customer_payment_terms = "30 % предоплата, 70 % после поставки"
    final_agreements = "Упаковка — деревянные ящики"
    stage = Deal.Stage.NEGOTIATION

    class Params:
        incomplete = factory.Trait(
            customer=None,
            delivery_address="",
            customer_payment_terms="",
        )


class DealInRealizationFactory(DealFactory):
    stage = Deal.Stage.REALIZATION
    realization_number = factory.Sequence(lambda n: f"R-2026-{n + 101:05d}")


class SupplierFactory(CounterpartyFactory):
    name = factory.Sequence(lambda n: f"ООО «Поставщик {n}»")
    kind = Counterparty.Kind.SUPPLIER


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    deal = factory.SubFactory(DealInRealizationFactory)
    number = factory.LazyAttributeSequence(lambda o, n: f"{o.deal.realization_number}/C-{n + 1}")
    counterparty = factory.SubFactory(SupplierFactory)
    subject = "Поставка оборудования"
    created_by = factory.LazyAttribute(lambda o: o.deal.manager)


class SpecificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specification

    contract = factory.SubFactory(ContractFactory)
    number = factory.LazyAttributeSequence(
        lambda o, n: f"{o.contract.deal.realization_number}/SP-{n + 1}"
    )
    date = datetime.date(2026, 3, 2)


class SpecificationLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecificationLine

    specification = factory.SubFactory(SpecificationFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = "Насос центробежный"
    quantity = Decimal("2")
    unit = "шт."
    unit_price = Decimal("100000.00")
    vat_rate = 20
    hs_code = "8413709100"
    country_of_origin = "Россия"


class SupplierOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierOrder

    deal = factory.SubFactory(DealInRealizationFactory)
    number = factory.LazyAttributeSequence(lambda o, n: f"{o.deal.realization_number}/SO-{n + 1}")
    supplier = factory.SubFactory(SupplierFactory)
    amount = Decimal("1200000.00")
    order_date = datetime.date(2026, 3, 2)
    planned_delivery_date = datetime.date(2026, 4, 1)
    created_by = factory.LazyAttribute(lambda o: o.deal.manager)


class StageChangeFactory(factory.django.DjangoModelFactory):
    """A deal's move recorded in its history (services write these; tests may seed them)."""

    class Meta:
        model = StageChange

    deal = factory.SubFactory(DealFactory)
    content_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Deal))
    object_id = factory.LazyAttribute(lambda o: o.deal.pk)
    source = Deal.Stage.NEGOTIATION
    target = Deal.Stage.REALIZATION
    actor = factory.LazyAttribute(lambda o: o.deal.manager)


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A PDF on the deal itself."""

    class Meta:
        model = Attachment

    uuid = factory.LazyFunction(uuid.uuid4)
    deal = factory.SubFactory(DealFactory)
    content_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Deal))
    object_id = factory.LazyAttribute(lambda o: o.deal.pk)
    category = Attachment.Category.SIGNED_PROPOSAL
    file = factory.django.FileField(filename="proposal.pdf", data=PDF_BYTES)
    original_name = "КП подписанное.pdf"
    media_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = hashlib.sha256(PDF_BYTES).hexdigest()
    uploaded_by = factory.LazyAttribute(lambda o: o.deal.manager)


class SupplementaryAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplementaryAgreement

    contract = factory.SubFactory(ContractFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    date = datetime.date(2026, 4, 6)
    subject = "Срок поставки переносится на 30 апреля 2026 г."
    created_by = factory.LazyAttribute(lambda o: o.contract.created_by)


class DocumentVersionFactory(factory.django.DjangoModelFactory):
    """A stored rendering of a contract (the services render real ones)."""

    uuid = factory.LazyFunction(uuid.uuid4)
    contract = factory.SubFactory(ContractFactory)
    deal = factory.LazyAttribute(lambda o: o.contract.deal)
    content_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Contract))
    object_id = factory.LazyAttribute(lambda o: o.contract.pk)
    kind = DocumentVersion.Kind.CONTRACT
    version = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: o.contract.number)
    record_state = "draft"
    file = factory.django.FileField(filename="contract.pdf", data=PDF_BYTES)
    size = len(PDF_BYTES)
    pages = 1
    sha256 = hashlib.sha256(PDF_BYTES).hexdigest()
    created_by = factory.LazyAttribute(lambda o: o.contract.created_by)

    class Meta:
        model = DocumentVersion
        exclude = ("contract",)


class NumberSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NumberSeries
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"series-{n}")
    name = factory.Sequence(lambda n: f"Series {n}")
    format = "T-{year}-{seq:04d}"


class NumberCounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NumberCounter

    series = factory.SubFactory(NumberSeriesFactory)
    year = 2026


class IssuedNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IssuedNumber

    series = factory.SubFactory(NumberSeriesFactory)
    year = 2026
    sequence = factory.Sequence(lambda n: n + 1)
    value = factory.LazyAttribute(lambda o: f"T-{o.year}-{o.sequence:04d}")


class ChildCounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChildCounter

    parent = factory.Sequence(lambda n: f"R-2026-{n + 501:05d}")
    kind = "SO"


class PaymentTermFactory(factory.django.DjangoModelFactory):
    """100 % within 30 calendar days of delivery, unless installments are given."""

    class Meta:
        model = PaymentTerm
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Отсрочка 30 дней от поставки ({n})")

    @factory.post_generation
    def installments(self, create, extracted, **kwargs):
        if create and extracted is None:
            TermInstallmentFactory(term=self)


class TermInstallmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TermInstallment

    term = factory.SubFactory(PaymentTermFactory, installments=[])
    position = 1
    share = Decimal("100")
    base_event = BaseEvent.DELIVERY
    offset_days = 30


class TermAssignmentFactory(factory.django.DjangoModelFactory):
    """A term for one supplier order (pass contract= or supplier= with supplier_order=None)."""

    class Meta:
        model = TermAssignment

    term = factory.SubFactory(PaymentTermFactory)
    supplier_order = factory.SubFactory(SupplierOrderFactory)


class InstallmentFactory(factory.django.DjangoModelFactory):
    """All of an order's amount, 30 days after its planned delivery, provisionally."""

    class Meta:
        model = Installment

    supplier_order = factory.SubFactory(SupplierOrderFactory)
    position = 1
    share = Decimal("100")
    amount = factory.LazyAttribute(lambda o: o.supplier_order.amount)
    currency = factory.LazyAttribute(lambda o: o.supplier_order.currency)
    base_event = BaseEvent.DELIVERY
    base_date = datetime.date(2026, 4, 1)
    provisional = True
    due_date = datetime.date(2026, 5, 4)
    reminder_date = datetime.date(2026, 4, 28)


class InstallmentChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstallmentChange

    installment = factory.SubFactory(InstallmentFactory)
    field = "due_date"
    old_value = "2026-05-04"
    new_value = "2026-05-12"
    reason = "Поставка перенесена"


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    installment = factory.SubFactory(InstallmentFactory)
    amount = factory.LazyAttribute(lambda o: o.installment.amount)
    paid_on = datetime.date(2026, 5, 4)
    reference = factory.Sequence(lambda n: f"п/п {n + 100}")
    recorded_by = factory.SubFactory(UserFactory)


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    user = factory.SubFactory(UserFactory)


# --- The payment terms the migrations seed ---------------------------------------------


def prepayment_term() -> PaymentTerm:
    """30 % within 5 working days of signing, 70 % within 30 days of delivery."""
    return PaymentTerm.objects.get(installments__base_event="contract_signed")


def deferral_term() -> PaymentTerm:
    """100 % within 30 calendar days of delivery."""
    return PaymentTerm.objects.get(installments__base_event="delivery", installments__share=100)
