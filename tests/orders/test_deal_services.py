import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from numbering.models import NumberCounter
from orders import services
from orders.models import Deal, StageChange
from orders.signals import stage_entered
from orders.workflow import TransitionConflict, TransitionRefused
from tests.factories import DealFactory

pytestmark = pytest.mark.django_db

MOSCOW = datetime.timezone(datetime.timedelta(hours=3))


def move(deal, name, actor, **kwargs):
    return services.deal_transition(deal=deal, name=name, actor=actor, **kwargs)


def test_incomplete_handover_blocks_realization_naming_each_missing_item(manager):
    deal = DealFactory(manager=manager, incomplete=True)

    with pytest.raises(TransitionRefused) as refused:
        move(deal, "start_realization", manager)

    assert refused.value.reasons == [
        "The hand-over card lacks the customer.",
        "The hand-over card lacks the delivery address.",
        "The hand-over card lacks the customer payment terms.",
    ]
    deal.refresh_from_db()
    assert deal.stage == Deal.Stage.NEGOTIATION
    assert deal.realization_number is None
    assert not NumberCounter.objects.exists()


def test_every_handover_item_is_required(manager):
    deal = DealFactory.build(
        manager=manager,
        customer=None,
        amount=None,
        incoterms="",
        delivery_place="",
        delivery_address="  ",
        required_delivery_date=None,
        customer_payment_terms="",
        final_agreements="",
    )
    assert len(deal.handover_missing()) == 7
    assert (deal.handover_done, deal.handover_total) == (0, 7)


@time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=MOSCOW))
def test_entering_realization_issues_the_number_and_records_the_step(manager):
    deal = DealFactory(manager=manager)

    deal = move(deal, "start_realization", manager)

    deal.refresh_from_db()
    assert deal.stage == Deal.Stage.REALIZATION
    assert deal.realization_number == "R-2026-00001"
    change = StageChange.objects.get(deal=deal)
    assert (change.source, change.target, change.actor) == ("negotiation", "realization", manager)
    assert change.record == deal


def test_numbers_restart_each_year_by_the_local_date(manager):
    first, second = DealFactory.create_batch(2, manager=manager)
    with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=MOSCOW)):
        move(first, "start_realization", manager)
    # 00:30 in Moscow on 1 January 2027 is still 31 December in UTC: Moscow's year counts.
    with time_machine.travel(datetime.datetime(2027, 1, 1, 0, 30, tzinfo=MOSCOW)):
        move(second, "start_realization", manager)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.realization_number == "R-2026-00001"
    assert second.realization_number == "R-2027-00001"


def test_a_failure_after_the_step_rolls_back_and_consumes_no_number(manager):
    deal, later = DealFactory.create_batch(2, manager=manager)

    def fail(**kwargs):
        raise RuntimeError("a receiver failed")

    stage_entered.connect(fail, dispatch_uid="test-fail")
    try:
        with pytest.raises(RuntimeError):
            move(deal, "start_realization", manager)
    finally:
        stage_entered.disconnect(dispatch_uid="test-fail")

    deal.refresh_from_db()
    assert deal.stage == Deal.Stage.NEGOTIATION
    assert not StageChange.objects.filter(deal=deal, target="realization").exists()
    later = move(later, "start_realization", manager)
    assert later.realization_number.endswith("-00001")


def test_a_deal_that_reenters_realization_keeps_its_number(manager):
    deal = move(DealFactory(manager=manager), "start_realization", manager)
    number = deal.realization_number

    deal = move(deal, "return_to_negotiation", manager, comment="Заказчик меняет спецификацию")
    assert deal.realization_number == number
    deal = move(deal, "start_realization", manager)

    deal.refresh_from_db()
    assert deal.realization_number == number
    assert NumberCounter.objects.get().last_value == 1
    assert StageChange.objects.filter(deal=deal).count() == 3


def test_going_back_or_losing_the_deal_needs_a_comment(manager):
    deal = DealFactory(manager=manager)
    with pytest.raises(TransitionRefused, match="Say why"):
        move(deal, "mark_lost", manager)
    deal = move(deal, "mark_lost", manager, comment="Тендер отменён")
    assert deal.stage == Deal.Stage.LOST
    assert StageChange.objects.get(deal=deal).comment == "Тендер отменён"


def test_a_step_the_stage_does_not_have_is_refused(manager):
    deal = DealFactory(manager=manager, stage=Deal.Stage.NEW)
    with pytest.raises(TransitionRefused, match="A deal in New cannot take this step"):
        move(deal, "complete", manager)
    with pytest.raises(TransitionRefused, match="no such step"):
        move(deal, "delete", manager)


def test_only_the_deals_manager_or_the_director_may_move_it(manager, other_manager, director):
    deal = DealFactory(manager=manager)
    with pytest.raises(TransitionRefused, match="Only the deal's manager"):
        move(deal, "start_realization", other_manager)
    deal = move(deal, "start_realization", director)
    assert deal.stage == Deal.Stage.REALIZATION


def test_a_step_from_a_stage_the_user_no_longer_sees_is_a_conflict(manager, other_manager):
    deal = DealFactory(manager=manager)
    move(deal, "start_realization", manager)

    with pytest.raises(TransitionConflict, match="Анна Петрова has just moved this deal"):
        move(deal, "start_realization", manager, expected_stage=Deal.Stage.NEGOTIATION)
    assert StageChange.objects.filter(deal=deal).count() == 1


def test_the_bulk_step_moves_the_ready_deals_and_reports_the_others(manager):
    ready = DealFactory.create_batch(3, manager=manager)
    incomplete = DealFactory(manager=manager, incomplete=True)

    result = services.deals_transition(
        deals=[*ready, incomplete], name="start_realization", actor=manager
    )

    assert sorted(d.pk for d in result.moved) == sorted(d.pk for d in ready)
    assert list(result.refused) == [incomplete.pk]
    numbers = sorted(
        Deal.objects.exclude(realization_number=None).values_list("realization_number", flat=True)
    )
    assert [n[-5:] for n in numbers] == ["00001", "00002", "00003"]


def test_the_card_of_a_deal_in_realization_cannot_be_emptied(manager):
    deal = move(DealFactory(manager=manager), "start_realization", manager)
    with pytest.raises(ValidationError, match="keeps a complete hand-over card"):
        services.deal_update(deal=deal, actor=manager, data={"final_agreements": ""})
    deal.refresh_from_db()
    assert deal.final_agreements


def test_another_manager_cannot_edit_the_card(manager, other_manager):
    deal = DealFactory(manager=manager)
    with pytest.raises(PermissionDenied):
        services.deal_update(deal=deal, actor=other_manager, data={"title": "Чужая"})


def test_a_new_deal_records_its_creation(manager):
    deal = services.deal_create(actor=manager, data={"title": "Поставка насосов"})
    assert deal.manager == manager
    assert deal.stage == Deal.Stage.NEW
    change = StageChange.objects.get(deal=deal)
    assert (change.source, change.target) == ("", "new")


def test_a_back_office_clerk_cannot_create_deals(finance_clerk):
    with pytest.raises(PermissionDenied):
        services.deal_create(actor=finance_clerk, data={"title": "Поставка"})
