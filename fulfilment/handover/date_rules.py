"""Tasks the calendar calls for: payment reminders, overdue escalations, late deliveries.

``payments`` says when money is due and ``orders`` when goods are expected; this module
decides who must do what by when. Each job is a periodic scan of the database (every
15 minutes, and once when a worker starts), never a Celery ETA: a lost broker or a
restarted worker delays a task, never loses it, and the next run catches up.

Each job claims its rows by inserting them under a unique constraint (installment and
due date; installment; order and planned date) with this run's id, skipping rows another
run got first, then makes the tasks for the rows it claimed, in the same transaction,
batch by batch. Two runs at once, a retry, or a run after an outage give the same
result: one task per reminder, never two, none missing.
"""

import datetime
import uuid
from collections.abc import Callable, Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from fulfilment.calendar import WorkingCalendar
from fulfilment.handover.models import (
    Department,
    LateDeliveryAlert,
    PaymentEscalation,
    PaymentReminder,
    Task,
    TaskEvent,
)
from fulfilment.handover.rules import Assigner, PlannedTask, write_tasks
from fulfilment.roles import Role
from orders.models import SupplierOrder
from payments import selectors as payment_selectors
from payments.models import Installment

BATCH = 500


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, settings.WORKDAY_ENDS_AT))


def _money(amount, currency: str) -> str:
    return f"{number_format(amount, 2, force_grouping=True)} {currency}"


def reminder_title(installment: Installment) -> str:
    order = installment.supplier_order
    return _("Prepare the payment for %(number)s: %(amount)s to %(supplier)s, due %(date)s") % {
        "number": order.number,
        "amount": _money(installment.outstanding, installment.currency),
        "supplier": order.supplier.name,
        "date": installment.due_date.isoformat(),
    }


def reminder_description(installment: Installment, pack_text: str) -> str:
    provisional = _(" (provisional)") if installment.provisional else ""
    return _(
        "Installment %(position)d of %(number)s, %(share)s %% of the order, due %(date)s%(provisional)s.\n\n%(pack)s"
    ) % {
        "position": installment.position,
        "number": installment.supplier_order.number,
        "share": f"{installment.share.normalize():f}",
        "date": installment.due_date.isoformat(),
        "provisional": provisional,
        "pack": pack_text,
    }


def _pack_text(pack) -> tuple[str, list[str]]:
    lines, missing = [_("Payment pack:")], []
    for item in pack:
        if item.present:
            lines += [
                f"✓ {item.label}: {name} — {settings.SITE_URL}{url}" for name, url in item.links
            ]
        else:
            lines.append(f"✗ {item.label} — " + _("missing"))
            missing.append(item.label)
    if missing:
        lines.append(_("Missing from the pack: %(items)s.") % {"items": ", ".join(missing)})
    return "\n".join(lines), missing


def _claim(
    model: type[models.Model], rows: list[models.Model], run: uuid.UUID, key: Callable
) -> set:
    """Insert claim rows, skipping those another run holds; the keys this run now owns."""
    model.objects.bulk_create(rows, ignore_conflicts=True)
    return {key(row) for row in model.objects.filter(run=run)}


def _in_batches(job: Callable[[datetime.date], int], today: datetime.date) -> int:
    total = 0
    while True:
        with transaction.atomic():
            made = job(today)
        if made is None:
            return total
        total += made


def payment_reminders_create(*, today: datetime.date | None = None, batch: int = BATCH) -> int:
    """A task for accounting for every installment whose reminder date has come."""
    today = today or timezone.localdate()

    def one_batch(today: datetime.date) -> int | None:
        # Locked, skipping rows another transaction holds (a due date being moved right
        # now, another run's batch): those are picked up by the next run.
        candidates = list(
            payment_selectors.installments_to_remind(today)
            .select_for_update(skip_locked=True, of=("self",))
            .exclude(
                Exists(
                    PaymentReminder.objects.filter(
                        installment=OuterRef("pk"), due_date=OuterRef("due_date")
                    )
                )
            )
            .order_by("due_date", "pk")[:batch]
        )
        if not candidates:
            return None
        run = uuid.uuid4()
        owned = _claim(
            PaymentReminder,
            [PaymentReminder(installment=i, due_date=i.due_date, run=run) for i in candidates],
            run,
            key=lambda r: r.installment_id,
        )
        claimed = [i for i in candidates if i.pk in owned]
        if not claimed:
            return 0
        accounting = Department.objects.get(code="accounting")
        packs = payment_selectors.payment_packs(claimed)
        assigner = Assigner()
        planned, missing = [], {}
        with translation.override(settings.LANGUAGE_CODE):
            for installment in claimed:
                pack_text, missing[installment.pk] = _pack_text(packs[installment.pk])
                planned.append(
                    PlannedTask(
                        record=installment,
                        deal=installment.supplier_order.deal,
                        title=reminder_title(installment)[:300],
                        description=reminder_description(installment, pack_text),
                        deadline=_end_of(installment.due_date),
                        assignee=assigner.least_loaded(accounting),
                        department=accounting,
                    )
                )
        tasks = write_tasks(planned, actor=None)
        reminders = list(PaymentReminder.objects.filter(run=run))
        by_installment = {
            installment.pk: task for installment, task in zip(claimed, tasks, strict=True)
        }
        for reminder in reminders:
            reminder.task = by_installment[reminder.installment_id]
            reminder.missing = missing[reminder.installment_id]
        PaymentReminder.objects.bulk_update(reminders, ["task", "missing"])
        return len(claimed)

    return _in_batches(one_batch, today)


def _escalation_owner(accounting: Department):
    """The operations director; without an active one, the head of accounting (who owns
    the supplier payments), else the least loaded accountant: an overdue payment is never
    left unassigned."""
    director = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.OPERATIONS_DIRECTOR)
        .order_by("pk")
        .first()
    )
    if director is not None:
        return director
    head = accounting.head
    if head is not None and head.is_active:
        return head
    return Assigner().least_loaded(accounting)


def payment_escalations_create(*, today: datetime.date | None = None, batch: int = BATCH) -> int:
    """An overdue installment goes once to the operations director: a task and its mail."""
    today = today or timezone.localdate()

    def one_batch(today: datetime.date) -> int | None:
        candidates = list(
            payment_selectors.installments_overdue(today)
            .exclude(Exists(PaymentEscalation.objects.filter(installment=OuterRef("pk"))))
            .order_by("due_date", "pk")[:batch]
        )
        if not candidates:
            return None
        run = uuid.uuid4()
        owned = _claim(
            PaymentEscalation,
            [PaymentEscalation(installment=i, run=run) for i in candidates],
            run,
            key=lambda e: e.installment_id,
        )
        claimed = [i for i in candidates if i.pk in owned]
        if not claimed:
            return 0
        accounting = Department.objects.get(code="accounting")
        owner = _escalation_owner(accounting)
        with translation.override(settings.LANGUAGE_CODE):
            planned = [
                PlannedTask(
                    record=installment,
                    deal=installment.supplier_order.deal,
                    title=(
                        _(
                            "Overdue payment: %(number)s, %(amount)s to %(supplier)s, was due %(date)s"
                        )
                        % {
                            "number": installment.supplier_order.number,
                            "amount": _money(installment.outstanding, installment.currency),
                            "supplier": installment.supplier_order.supplier.name,
                            "date": installment.due_date.isoformat(),
                        }
                    )[:300],
                    description=_(
                        "The installment is past its due date and not paid. Accounting has its reminder task."
                    ),
                    deadline=_end_of(WorkingCalendar().next_working_day(today)),
                    assignee=owner,
                    department=accounting,
                )
                for installment in claimed
            ]
        tasks = write_tasks(planned, actor=None)
        escalations = list(PaymentEscalation.objects.filter(run=run))
        by_installment = {
            installment.pk: task for installment, task in zip(claimed, tasks, strict=True)
        }
        for escalation in escalations:
            escalation.task = by_installment[escalation.installment_id]
        PaymentEscalation.objects.bulk_update(escalations, ["task"])
        return len(claimed)

    return _in_batches(one_batch, today)


def late_deliveries_flag(*, today: datetime.date | None = None, batch: int = BATCH) -> int:
    """A supplier order past its planned delivery date gets one task for procurement."""
    today = today or timezone.localdate()

    def one_batch(today: datetime.date) -> int | None:
        candidates = list(
            SupplierOrder.objects.late(today)
            .exclude(
                Exists(
                    LateDeliveryAlert.objects.filter(
                        supplier_order=OuterRef("pk"),
                        planned_date=OuterRef("planned_delivery_date"),
                    )
                )
            )
            .select_related("deal", "supplier", "buyer")
            .order_by("planned_delivery_date", "pk")[:batch]
        )
        if not candidates:
            return None
        run = uuid.uuid4()
        owned = _claim(
            LateDeliveryAlert,
            [
                LateDeliveryAlert(supplier_order=o, planned_date=o.planned_delivery_date, run=run)
                for o in candidates
            ],
            run,
            key=lambda a: a.supplier_order_id,
        )
        claimed = [o for o in candidates if o.pk in owned]
        if not claimed:
            return 0
        procurement = Department.objects.get(code="procurement")
        assigner = Assigner()
        with translation.override(settings.LANGUAGE_CODE):
            planned = [
                PlannedTask(
                    record=order,
                    deal=order.deal,
                    title=(
                        _("Delivery is late: %(number)s from %(supplier)s, planned %(date)s")
                        % {
                            "number": order.number,
                            "supplier": order.supplier.name,
                            "date": order.planned_delivery_date.isoformat(),
                        }
                    )[:300],
                    description=_(
                        "Find out when the goods arrive and enter the new planned date, or the actual delivery date."
                    ),
                    deadline=_end_of(WorkingCalendar().next_working_day(today)),
                    assignee=assigner.least_loaded(procurement, prefer=order.buyer),
                    department=procurement,
                )
                for order in claimed
            ]
        tasks = write_tasks(planned, actor=None)
        alerts = list(LateDeliveryAlert.objects.filter(run=run))
        by_order = {order.pk: task for order, task in zip(claimed, tasks, strict=True)}
        for alert in alerts:
            alert.task = by_order[alert.supplier_order_id]
        LateDeliveryAlert.objects.bulk_update(alerts, ["task"])
        return len(claimed)

    return _in_batches(one_batch, today)


def date_rules_run(*, today: datetime.date | None = None) -> dict[str, int]:
    """All the date-triggered rules, in one go (what the periodic job runs)."""
    return {
        "reminders": payment_reminders_create(today=today),
        "escalations": payment_escalations_create(today=today),
        "late_deliveries": late_deliveries_flag(today=today),
    }


# --- Following the schedules -------------------------------------------------------------------


def reminders_follow_due_dates(
    *, moved: Sequence[tuple[Installment, datetime.date | None]], actor, reason: str
) -> None:
    """The open reminder follows its installment: a moved due date moves its deadline, a
    new amount changes its title and description (each recorded in the task's history),
    and never a second open task for the same installment."""
    # Every reminder of each installment, not only the one for the old date: after
    # A → B → A the open task may sit on a row whose date differs from both. One locking
    # query for all the installments (a supplier's new default term moves many at once),
    # with the order and supplier the title names.
    reminders_of: dict[int, list[PaymentReminder]] = {}
    for reminder in (
        PaymentReminder.objects.select_for_update(of=("self", "task"))
        .filter(installment__in=[installment.pk for installment, _old_due in moved])
        .filter(task__isnull=False)
        .select_related("task", "installment__supplier_order__supplier")
        .order_by("-created_at", "-pk")
    ):
        reminders_of.setdefault(reminder.installment_id, []).append(reminder)
    for installment, old_due in moved:
        open_ones = [r for r in reminders_of.get(installment.pk, []) if r.task.is_open]
        if not open_ones:
            continue
        installment.supplier_order = open_ones[0].installment.supplier_order
        if installment.due_date is None:
            # No due date any more: no reminder either; a date that comes back brings a new one.
            tasks_close([r.task for r in open_ones], name="cancel", actor=actor, note=reason)
            PaymentReminder.objects.filter(pk__in=[r.pk for r in open_ones]).delete()
            continue
        keep = next(
            (r for r in open_ones if r.due_date == installment.due_date),
            next((r for r in open_ones if r.due_date == old_due), open_ones[0]),
        )
        duplicates = [r for r in open_ones if r is not keep]
        if duplicates:
            tasks_close([r.task for r in duplicates], name="cancel", actor=actor, note=reason)
            PaymentReminder.objects.filter(pk__in=[r.pk for r in duplicates]).delete()
        if keep.due_date != installment.due_date:
            # The date's slot may hold a reminder whose task is already closed: the open
            # task takes the slot, so the job makes no second task for that date.
            PaymentReminder.objects.filter(
                installment=installment, due_date=installment.due_date
            ).exclude(pk=keep.pk).delete()
            keep.due_date = installment.due_date
            keep.save(update_fields=["due_date"])
        _task_follows(keep.task, installment, actor=actor, reason=reason)


def _task_follows(task: Task, installment: Installment, *, actor, reason: str) -> None:
    old_deadline, old_title = task.deadline, task.title
    with translation.override(settings.LANGUAGE_CODE):
        title = reminder_title(installment)[:300]
        # The pack was listed when the task was made; only the installment's part changes.
        _old, _separator, pack_text = task.description.partition("\n\n")
        description = reminder_description(installment, pack_text)
    task.title = title
    task.description = description
    task.deadline = _end_of(installment.due_date)
    task.save(update_fields=["title", "description", "deadline", "updated_at"])
    if task.deadline != old_deadline:
        TaskEvent.objects.create(
            task=task,
            kind=TaskEvent.Kind.DEADLINE,
            actor=actor,
            old_value=timezone.localtime(old_deadline).strftime("%Y-%m-%d %H:%M"),
            new_value=timezone.localtime(task.deadline).strftime("%Y-%m-%d %H:%M"),
            note=reason,
        )
    if task.title != old_title:
        TaskEvent.objects.create(
            task=task,
            kind=TaskEvent.Kind.DETAILS,
            actor=actor,
            old_value=Truncator(old_title).chars(200),
            new_value=Truncator(task.title).chars(200),
            note=reason,
        )


def tasks_close(tasks: Sequence[Task], *, name: str, actor, note: str) -> None:
    """Complete or cancel open tasks on the system's behalf (the payment was made, the
    order cancelled), recording why."""
    for task in tasks:
        if not task.is_open:
            continue
        source = task.get_status_display()
        getattr(task, name)()
        task.save()
        TaskEvent.objects.create(
            task=task,
            kind=TaskEvent.Kind.STATUS,
            actor=actor,
            old_value=source,
            new_value=task.get_status_display(),
            note=note,
        )


def payment_tasks_close(
    *, installments: Sequence[Installment], name: str, actor, note: str
) -> None:
    tasks = list(
        Task.objects.open()
        .filter(
            models.Q(payment_reminder__installment__in=installments)
            | models.Q(
                pk__in=PaymentEscalation.objects.filter(installment__in=installments).values("task")
            )
        )
        .select_for_update(of=("self",))
    )
    tasks_close(tasks, name=name, actor=actor, note=note)
