"""Factories for every model, used across the suite."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from orders.inn import _WEIGHTS_10, _check_digit
from orders.models import (
    Contact,
    Contract,
    Counterparty,
    Deal,
    Specification,
    SpecificationLine,
    SupplierOrder,
)


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
