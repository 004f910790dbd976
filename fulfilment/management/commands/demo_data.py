"""Demo users, counterparties and deals. Idempotent: a second run adds nothing."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from fulfilment.handover import services as task_services
from fulfilment.handover.models import Department, Task
from fulfilment.roles import Role
from orders import services as order_services
from orders.models import Attachment, Contract, Counterparty, Deal, DocumentVersion, StageChange
from payments.models import PaymentTerm
from payments.services import payment_record, term_assign

DEMO_PASSWORD = "demo"

# username, first name, last name, role (None: superuser)
USERS = [
    ("manager", "Анна", "Петрова", Role.SALES_MANAGER),
    ("manager2", "Олег", "Смирнов", Role.SALES_MANAGER),
    ("finance", "Ирина", "Волкова", Role.FINANCE),
    ("customs", "Дмитрий", "Козлов", Role.FOREIGN_TRADE),
    ("legal", "Елена", "Новикова", Role.LEGAL),
    ("buyer", "Сергей", "Морозов", Role.PROCUREMENT),
    ("logistics", "Павел", "Лебедев", Role.LOGISTICS),
    ("accountant", "Мария", "Соколова", Role.ACCOUNTING),
    ("director", "Андрей", "Кузнецов", Role.OPERATIONS_DIRECTOR),
    ("admin", "Администратор", "", None),
]

# department code → its demo clerk (also its head)
DEPARTMENT_STAFF = {
    "finance": "finance",
    "foreign_trade": "customs",
    "legal": "legal",
    "procurement": "buyer",
    "logistics": "logistics",
    "accounting": "accountant",
}

COUNTERPARTIES = [
    ("ПАО «ТГК-Северо-Запад»", "7812345675", "781201001", Counterparty.Kind.CUSTOMER),
    ("АО «Нефтехим-Сибирь»", "5403123452", "540301001", Counterparty.Kind.CUSTOMER),
    ("ГУП «Московский метрополитен-Сервис»", "7708123450", "770801001", Counterparty.Kind.CUSTOMER),
    ("ООО «ПромАрматура»", "5027123457", "502701001", Counterparty.Kind.SUPPLIER),
    ("ООО «Уралэнергомаш»", "6670123457", "667001001", Counterparty.Kind.SUPPLIER),
    ("ООО «ТехноИмпорт»", "7725012341", "772501001", Counterparty.Kind.BOTH),
]

COMPLETE_CARD = {
    "incoterms": "DAP",
    "delivery_place": "склад покупателя",
    "customer_payment_terms": "30 % предоплата, 70 % в течение 10 банковских дней после поставки",
    "final_agreements": "Упаковка — деревянные ящики; маркировка по ГОСТ 14192; "
    "приёмка с участием представителя заказчика; пени 0,1 % в день.",
}

# title, manager, customer INN, amount, currency, stage, complete card?
DEALS = [
    (
        "Насосное оборудование для ТЭЦ-3",
        "manager",
        "7812345675",
        "12450000.00",
        "RUB",
        Deal.Stage.NEGOTIATION,
        True,
    ),
    (
        "Запорная арматура для НПЗ",
        "manager",
        "5403123452",
        "8300000.00",
        "RUB",
        Deal.Stage.NEGOTIATION,
        False,
    ),
    (
        "Кабельная продукция для депо",
        "manager",
        "7708123450",
        "2100000.00",
        "RUB",
        Deal.Stage.NEW,
        False,
    ),
    (
        "Компрессорная станция",
        "manager",
        "7725012341",
        "184000.00",
        "EUR",
        Deal.Stage.PROPOSAL,
        True,
    ),
    (
        "Теплообменники для котельной",
        "manager",
        "7812345675",
        "5600000.00",
        "RUB",
        Deal.Stage.REALIZATION,
        True,
    ),
    (
        "Электродвигатели для насосной станции",
        "manager2",
        "5403123452",
        "96500.00",
        "USD",
        Deal.Stage.REALIZATION,
        True,
    ),
    (
        "Частотные преобразователи",
        "manager2",
        "7708123450",
        "410000.00",
        "CNY",
        Deal.Stage.NEGOTIATION,
        True,
    ),
    (
        "Трубопроводная арматура DN300",
        "manager",
        "5403123452",
        "3900000.00",
        "RUB",
        Deal.Stage.COMPLETED,
        True,
    ),
    (
        "Вентиляционное оборудование",
        "manager2",
        "7725012341",
        "1250000.00",
        "RUB",
        Deal.Stage.LOST,
        False,
    ),
]

SPEC_LINES = [
    {
        "name": name,
        "quantity": Decimal(quantity),
        "unit": "шт.",
        "unit_price": Decimal(price),
        "vat_rate": 20,
        "hs_code": code,
        "country_of_origin": country,
        "delivery_time": "45 дней",
    }
    for name, quantity, price, code, country in [
        ("Теплообменник пластинчатый ТП-120", "2", "845000.00", "8419500000", "Россия"),
        ("Насос циркуляционный ЦН-40", "4", "97500.00", "8413709100", "Россия"),
        ("Клапан регулирующий DN80", "6", "115000.00", "8481808199", "Китай"),
    ]
]

# A one-page PDF standing in for a scanned supplier invoice.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
    b"endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

DEMO_CONTRACT_SUBJECT = "Поставка оборудования по сделке "

# The steps from New to Completed, in order.
PATH = ["send_proposal", "start_negotiation", "start_realization", "complete"]

# Days since a demo deal entered its stage (others: a few days); the records of a deal in
# realization are dated to match, so the control tower shows believable figures.
DAYS_IN_STAGE = {
    "Теплообменники для котельной": 21,
    "Электродвигатели для насосной станции": 6,
}
DEMO_WORK_STARTS = datetime.time(10, 0)


class Command(BaseCommand):
    help = "Load demo users, counterparties and deals (safe to run again)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--logins", action="store_true", help="Print the address and the demo logins."
        )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            users, created = self._load()
        # Documents are rendered outside the transaction, as the product always does, and
        # before signing: a signed contract's documents stay as they were signed. The
        # contracts are those this run made and any an interrupted run left unsigned.
        for_signature = self._unfinished_contracts(users)
        for contract in for_signature:
            if not DocumentVersion.objects.filter(
                content_type=ContentType.objects.get_for_model(Contract), object_id=contract.pk
            ).exists():
                order_services.document_generate(
                    record=contract, kind="contract", actor=users["legal"]
                )
        with transaction.atomic():
            for contract in for_signature:
                self._sign_and_order(contract, users, timezone.localdate())
        self.stdout.write(f"Demo data ready: {len(users)} users, {created} new deals.")
        if options["logins"]:
            self._print_logins()

    def _load(self):
        users = self._users()
        self._departments(users)
        customers = self._counterparties(users["admin"])
        created = 0
        today = timezone.localdate()
        for index, (title, manager, inn, amount, currency, stage, complete) in enumerate(DEALS):
            if Deal.objects.filter(title=title, manager=users[manager]).exists():
                continue
            data = {
                "title": title,
                "manager": users[manager],
                "customer": customers[inn],
                "amount": Decimal(amount),
                "currency": currency,
                "delivery_address": "г. Санкт-Петербург, ул. Промышленная, д. 7",
                "required_delivery_date": today + datetime.timedelta(days=60 + 15 * index),
            }
            if complete:
                data.update(COMPLETE_CARD)
            deal = order_services.deal_create(actor=users[manager], data=data)
            deal = self._move(deal, stage, users[manager])
            created += 1
            # Only a deal made just now gets records: a deal a user moved into realization
            # is theirs, whatever its title, and a second run must leave it alone.
            entered = today - datetime.timedelta(days=DAYS_IN_STAGE.get(title, 3 + index))
            if deal.stage == Deal.Stage.REALIZATION:
                self._contract(deal, users, entered, full=manager == "manager")
            self._date_history(deal, self._deal_dates(deal, entered))
        return users, created

    def _unfinished_contracts(self, users) -> list[Contract]:
        """The demo's supplier contracts sent for signature and not yet signed with their
        orders: a run signs them; one interrupted there (say, the PDF library missing) is
        finished by the next. A contract a user makes on a demo deal is not the demo's."""
        demo_deals = Q(pk__in=[])
        for title, manager, *_ in DEALS:
            demo_deals |= Q(deal__title=title, deal__manager=users[manager])
        return list(
            Contract.objects.filter(
                demo_deals,
                stage=Contract.Stage.SENT_FOR_SIGNATURE,
                created_by=users["legal"],
                subject=Concat(Value(DEMO_CONTRACT_SUBJECT), "deal__realization_number"),
                supplier_orders__isnull=True,
            )
            .select_related("deal", "counterparty")
            .order_by("pk")
        )

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(
            f"Open {settings.SITE_URL}/ and log in (password for all: {DEMO_PASSWORD}):"
        )
        for username, first, last, role in USERS:
            what = role.label if role else "administrator (Django admin)"
            self.stdout.write(f"  {username:<11} {first} {last}".rstrip().ljust(40) + f" {what}")
        self.stdout.write("")

    def _users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, first, last, role in USERS:
            user, made = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.com",
                },
            )
            if made:
                user.set_password(DEMO_PASSWORD)
                if role is None:
                    user.is_staff = user.is_superuser = True
                user.save()
            if role is not None:
                user.groups.add(Group.objects.get(name=role.value))
            users[username] = user
        return users

    def _departments(self, users) -> None:
        for code, username in DEPARTMENT_STAFF.items():
            department = Department.objects.get(code=code)
            department.members.add(users[username])
            if department.head_id is None:
                department.head = users[username]
                department.save(update_fields=["head", "updated_at"])

    def _counterparties(self, admin) -> dict:
        result = {}
        for name, inn, kpp, kind in COUNTERPARTIES:
            existing = Counterparty.objects.filter(inn=inn, kpp=kpp).first()
            result[inn] = existing or order_services.counterparty_save(
                actor=admin, data={"name": name, "inn": inn, "kpp": kpp, "kind": kind}
            )
        return result

    def _contract(self, deal: Deal, users, entered: datetime.date, *, full: bool) -> Contract:
        """A contract with its specification, drafted the day after the deal entered
        realization; the full one goes out for signature the same day."""
        legal = users["legal"]
        supplier = Counterparty.objects.get(inn="6670123457" if full else "5027123457")
        drafted = entered + datetime.timedelta(days=1)
        contract = order_services.contract_create(
            deal=deal,
            actor=legal,
            data={
                "counterparty": supplier,
                "kind": Contract.Kind.SUPPLIER,
                "subject": f"{DEMO_CONTRACT_SUBJECT}{deal.realization_number}",
                "payment_terms_text": "30 % предоплата в течение 5 рабочих дней с даты подписания, "
                "70 % в течение 30 календарных дней с даты поставки.",
            },
        )
        spec = order_services.specification_create(contract=contract, actor=legal, date=drafted)
        order_services.specification_save_lines(specification=spec, actor=legal, lines=SPEC_LINES)
        # "30 % within 5 working days of signing, 70 % within 30 days of delivery"
        term_assign(
            term=PaymentTerm.objects.get(installments__base_event="contract_signed"),
            contract=contract,
            actor=users["accountant"],
        )
        if not full:
            self._date_history(contract, [drafted])
            return contract
        for name in ("submit_for_review", "send_for_signature"):
            contract = order_services.contract_transition(contract=contract, name=name, actor=legal)
        self._date_history(contract, [drafted, drafted, drafted])
        return contract

    def _sign_and_order(self, contract: Contract, users, today: datetime.date) -> None:
        """The signature, a delivered supplier order with its prepayment paid, and an
        order whose delivery is late."""

        def ago(days: int) -> datetime.date:
            return today - datetime.timedelta(days=days)

        legal, buyer = users["legal"], users["buyer"]
        deal, supplier = contract.deal, contract.counterparty
        spec = contract.specifications.get()
        contract = order_services.contract_transition(
            contract=contract,
            name="sign",
            actor=legal,
            dates={"contract_date": ago(20)},
        )
        changes = list(
            StageChange.objects.filter(
                content_type=ContentType.objects.get_for_model(Contract), object_id=contract.pk
            ).order_by("pk")
        )
        self._date_history(
            contract, [*(timezone.localdate(c.created_at) for c in changes[:-1]), ago(20)]
        )
        lines = list(spec.lines.all())
        delivered = order_services.supplier_order_create(
            deal=deal,
            actor=buyer,
            data={
                "supplier": supplier,
                "contract": contract,
                "amount": Decimal("2450000.00"),
                "currency": deal.currency,
                "vat_rate": 20,
                "planned_delivery_date": ago(3),
                "invoice_number": "УЭМ-1187",
                "invoice_date": ago(18),
            },
            lines=lines[:2],
        )
        for name, dates in (
            ("place", {"order_date": ago(18)}),
            ("confirm", {}),
            ("ship", {"shipment_date": ago(8)}),
            ("deliver", {"actual_delivery_date": ago(2)}),
        ):
            delivered = order_services.supplier_order_transition(
                order=delivered, name=name, actor=buyer, dates=dates
            )
        self._date_history(delivered, [ago(19), ago(18), ago(17), ago(8), ago(2)])
        prepayment = delivered.installments.get(position=1)
        payment_record(
            installment=prepayment,
            amount=prepayment.amount,
            paid_on=prepayment.due_date,
            reference="1542",
            actor=users["accountant"],
        )
        order_services.attachment_store(
            deal=deal,
            upload=SimpleUploadedFile("Счёт УЭМ-1187.pdf", DEMO_PDF),
            actor=buyer,
            category=Attachment.Category.SUPPLIER_INVOICE,
            record=delivered,
        )
        late = order_services.supplier_order_create(
            deal=deal,
            actor=buyer,
            data={
                "supplier": supplier,
                "contract": contract,
                "amount": Decimal("830000.00"),
                "currency": deal.currency,
                "vat_rate": 20,
                "planned_delivery_date": ago(1),
            },
            lines=lines[2:],
        )
        order_services.supplier_order_transition(
            order=late,
            name="place",
            actor=buyer,
            dates={"order_date": ago(15)},
        )
        self._date_history(late, [ago(16), ago(15)])
        return contract

    @staticmethod
    def _deal_dates(deal: Deal, entered: datetime.date) -> list[datetime.date]:
        """The deal entered its current stage on ``entered``, each earlier one a week before."""
        steps = StageChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Deal), object_id=deal.pk
        ).count()
        return [entered - datetime.timedelta(weeks=steps - 1 - n) for n in range(steps)]

    @staticmethod
    def _date_history(record, days: list[datetime.date]) -> None:
        """Date a demo record's stage changes, oldest first, on the given days.

        The services stamp every change "now"; a demo deal that entered realization now
        would show 0 days in realization next to a contract signed three weeks ago.
        """
        changes = list(
            StageChange.objects.filter(
                content_type=ContentType.objects.get_for_model(record), object_id=record.pk
            ).order_by("pk")
        )
        moments = [
            timezone.make_aware(datetime.datetime.combine(day, DEMO_WORK_STARTS))
            + datetime.timedelta(minutes=n)
            for n, day in enumerate(days)
        ]
        for change, moment in zip(changes, moments, strict=True):
            StageChange.objects.filter(pk=change.pk).update(created_at=moment)
        stamps = {"stage_changed_at": moments[-1], "created_at": moments[0]}
        if isinstance(record, Deal):
            entries = [
                m
                for c, m in zip(changes, moments, strict=True)
                if c.target == Deal.Stage.REALIZATION
            ]
            if entries:
                stamps["realization_started_at"] = entries[-1]
        type(record).objects.filter(pk=record.pk).update(**stamps)

    def _move(self, deal: Deal, stage: str, actor) -> Deal:
        if stage == Deal.Stage.LOST:
            return order_services.deal_transition(
                deal=deal,
                name="mark_lost",
                actor=actor,
                comment="Заказчик выбрал другого поставщика",
            )
        for name in PATH:
            if deal.stage == stage:
                return deal
            if name == "complete":
                # A completed deal's back-office tasks were done along the way.
                for task in Task.objects.filter(deal=deal).select_related(
                    "assignee", "department__head"
                ):
                    clerk = task.assignee or task.department.head
                    task_services.task_transition(task=task, name="complete", actor=clerk)
            deal = order_services.deal_transition(deal=deal, name=name, actor=actor)
        return deal
