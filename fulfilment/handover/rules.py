"""The rule engine: from "these objects entered that stage" to the tasks it calls for.

``fire_rules`` runs inside the transaction that moved the objects (it is the receiver
of ``orders.signals.stage_entered``), so the stage change and its tasks commit together
or not at all. It works on a batch: moving 200 deals costs the same number of queries
as moving one. Each (rule, stage entry) pair is fired at most once, enforced by unique
constraints on the firing log and on the task; a rule with a predecessor logs "waiting"
and makes its task when the predecessor's task for the same entry is done. A chain that
can no longer complete (a rule in it is inactive, its task was cancelled, the object was
closed or went back since the entry) logs "will not fire" with the reason, down to its
last rule.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fulfilment.calendar import WorkingCalendar
from fulfilment.handover.models import Department, Rule, RuleFiring, Task, TaskEvent
from fulfilment.handover.permissions import department_ids
from fulfilment.handover.triggers import TRIGGERS, Trigger, trigger_for_model
from fulfilment.outbox import Mail, outbox_queue
from fulfilment.templatetags.people import full_name
from orders.models import Deal, StageChange


def deadline_after(
    start: datetime.datetime, offset: int, unit: str, calendar: WorkingCalendar
) -> datetime.datetime:
    """The deadline ``offset`` units after ``start``; day-based ones end with the working day."""
    if unit == Rule.DeadlineUnit.HOURS:
        return start + datetime.timedelta(hours=offset)
    local_day = timezone.localtime(start).date()
    if unit == Rule.DeadlineUnit.WORKING_DAYS:
        day = calendar.add_working_days(local_day, offset)
    else:
        day = local_day + datetime.timedelta(days=offset)
    return timezone.make_aware(datetime.datetime.combine(day, settings.WORKDAY_ENDS_AT))


def render(template: str, context: dict[str, str]) -> str:
    return template.format_map(context)


@dataclass
class PlannedTask:
    """A task to create: by a rule (shown by its preview, written by the engine) or by a
    date-triggered job (payment reminders, escalations, late deliveries)."""

    record: object
    deal: Deal
    title: str
    description: str
    deadline: datetime.datetime
    assignee: object | None
    department: Department
    participants: Sequence[Department] = ()
    rule: Rule | None = None
    waiting_for: Rule | None = None
    entry: StageChange | None = None
    # Why the task goes to the department queue although the rule names a way to assign.
    queue_reason: str = ""
    # Why a chained rule can never fire on this entry; its task is not made.
    will_not_fire: str = ""


@dataclass
class Assigner:
    """Chooses assignees for a batch, keeping the least-loaded counts current as it goes."""

    loads: dict[int, dict[int, int]] = field(default_factory=dict)  # department → user → open
    users: dict[int, object] = field(default_factory=dict)

    def _load_for(self, department: Department) -> dict[int, int]:
        if department.pk not in self.loads:
            members = (
                get_user_model()
                .objects.filter(departments=department, is_active=True)
                .annotate(
                    open_tasks=Count(
                        "assigned_tasks", filter=Q(assigned_tasks__status__in=Task.OPEN_STATUSES)
                    )
                )
                .order_by("open_tasks", "username")
            )
            self.loads[department.pk] = {user.pk: user.open_tasks for user in members}
            self.users.update({user.pk: user for user in members})
        return self.loads[department.pk]

    def least_loaded(self, department: Department, prefer=None):
        """The member with the fewest open tasks (``prefer`` if they are a member)."""
        load = self._load_for(department)
        if not load:
            return None
        if prefer is not None and prefer.pk in load:
            chosen = prefer.pk
        else:
            chosen = min(load, key=lambda pk: (load[pk], self.users[pk].username))
        load[chosen] += 1
        return self.users[chosen]

    def choose(self, rule: Rule) -> tuple[object | None, str]:
        """The assignee the rule's strategy finds, or nobody and why the task falls back
        to the department queue (no reason when the rule asks for the queue)."""
        strategy, department = rule.assignee_strategy, rule.department
        if strategy == Rule.AssigneeStrategy.HEAD:
            head = department.head
            if head is None:
                return None, _(
                    "%(department)s has no head: the task is left in the department queue."
                ) % {"department": department}
            if not head.is_active:
                return None, _(
                    "The head of %(department)s, %(name)s, is inactive: the task is left "
                    "in the department queue."
                ) % {"department": department, "name": full_name(head)}
            return head, ""
        if strategy == Rule.AssigneeStrategy.USER:
            # The rule was valid when saved; the user may have left since.
            user = rule.assignee
            if user is None:
                return None, _(
                    "The rule names no user: the task is left in the queue of %(department)s."
                ) % {"department": department}
            if not user.is_active:
                return None, _(
                    "The named user %(name)s is inactive: the task is left in the queue of "
                    "%(department)s."
                ) % {"department": department, "name": full_name(user)}
            if department.pk not in department_ids(user):
                return None, _(
                    "The named user %(name)s is no longer a member or the head of "
                    "%(department)s: the task is left in the department queue."
                ) % {"department": department, "name": full_name(user)}
            return user, ""
        if strategy == Rule.AssigneeStrategy.LEAST_LOADED:
            user = self.least_loaded(department)
            if user is None:
                return None, _(
                    "%(department)s has no active members: the task is left in the "
                    "department queue."
                ) % {"department": department}
            return user, ""
        return None, ""


def _rules_for(kind: str, stages: Iterable[str]) -> list[Rule]:
    return list(
        Rule.objects.filter(active=True, trigger_kind=kind, trigger_stage__in=set(stages))
        .select_related("department__head", "assignee", "predecessor")
        .prefetch_related("participant_departments")
        .order_by("pk")
    )


def _plan(
    rule: Rule,
    record,
    trigger: Trigger,
    start: datetime.datetime,
    calendar: WorkingCalendar,
    assigner: Assigner,
) -> PlannedTask:
    # Placeholders and the log read in the company's language whoever's request fires the rule.
    with translation.override(settings.LANGUAGE_CODE):
        context = trigger.context(record)
        assignee, queue_reason = assigner.choose(rule)
    deal = trigger.deal_of(record)
    return PlannedTask(
        rule=rule,
        record=record,
        deal=deal,
        title=render(rule.title_template, context)[:300],
        description=render(rule.description_template, context),
        deadline=deadline_after(start, rule.deadline_offset, rule.deadline_unit, calendar),
        assignee=assignee,
        department=rule.department,
        participants=list(rule.participant_departments.all()),
        queue_reason=queue_reason,
    )


def _chain_break(rule: Rule, active: dict[int, Rule]) -> str:
    """Why a chained rule can never fire on an entry, or "" if its chain can complete.

    ``active`` holds the active rules of the rule's trigger, by pk, with their
    predecessors joined: a predecessor missing from it never makes its task.
    """
    seen, current = {rule.pk}, rule
    while current.predecessor_id and current.predecessor_id not in seen:
        predecessor = active.get(current.predecessor_id)
        if predecessor is None:
            missing = current.predecessor
            if not missing.active:
                return _("Will not fire: “%(rule)s” is inactive, so its task is never made.") % {
                    "rule": missing
                }
            return _(
                "Will not fire: “%(rule)s” fires on %(its)s, not on this entry, so its task "
                "is never made."
            ) % {"rule": missing, "its": missing.trigger_label}
        seen.add(predecessor.pk)
        current = predecessor
    return ""


def fire_rules(*, changes: Sequence[StageChange]) -> list[Task]:
    """Create the tasks the active rules call for, for a batch of stage entries.

    The tasks are the rule's, not the person's who moved the record: they are written
    with no creator, and their history says the system created them.
    """
    if not changes:
        return []
    trigger = trigger_for_model(type(changes[0].record))
    if trigger is None:
        return []
    rules = _rules_for(trigger.kind, (change.target for change in changes))
    if not rules:
        return []
    records = [change.record for change in changes]
    if trigger.related:
        prefetch_related_objects(records, *trigger.related)

    already = set(
        RuleFiring.objects.filter(entry__in=changes, rule__in=rules).values_list(
            "rule_id", "entry_id"
        )
    )
    calendar, assigner, now = WorkingCalendar(), Assigner(), timezone.now()
    active = {rule.pk: rule for rule in rules}
    with translation.override(settings.LANGUAGE_CODE):
        chain_breaks = {rule.pk: _chain_break(rule, active) for rule in rules}
        waits = {
            rule.pk: _("Waits for “%(rule)s” to be done.") % {"rule": rule.predecessor}
            for rule in rules
            if rule.predecessor_id
        }
    planned: list[PlannedTask] = []
    firings: list[RuleFiring] = []
    for change in changes:
        for rule in rules:
            if rule.trigger_stage != change.target or (rule.pk, change.pk) in already:
                continue
            deal = trigger.deal_of(change.record)
            if rule.predecessor_id:
                broken = chain_breaks[rule.pk]
                firings.append(
                    RuleFiring(
                        rule=rule,
                        entry=change,
                        deal=deal,
                        outcome=RuleFiring.Outcome.SKIPPED
                        if broken
                        else RuleFiring.Outcome.WAITING,
                        message=(broken or waits[rule.pk])[:300],
                    )
                )
                continue
            task = _plan(rule, change.record, trigger, now, calendar, assigner)
            task.entry = change
            planned.append(task)
    tasks = write_tasks(planned, actor=None)
    firings += [
        RuleFiring(
            rule=plan.rule,
            entry=plan.entry,
            deal=plan.deal,
            outcome=RuleFiring.Outcome.CREATED,
            task=task,
            message=plan.queue_reason[:300],
        )
        for plan, task in zip(planned, tasks, strict=True)
    ]
    RuleFiring.objects.bulk_create(firings)
    return tasks


def write_tasks(planned: Sequence[PlannedTask], *, actor) -> list[Task]:
    """Insert the planned tasks, their participants, their first event and their mail."""
    if not planned:
        return []
    content_types = {}
    tasks = []
    for plan in planned:
        task = Task(
            title=plan.title,
            description=plan.description,
            department=plan.department,
            assignee=plan.assignee,
            deadline=plan.deadline,
            deal=plan.deal,
            rule=plan.rule,
            entry=plan.entry,
            created_by=actor,
        )
        if not isinstance(plan.record, Deal):
            model = type(plan.record)
            content_types.setdefault(model, ContentType.objects.get_for_model(model))
            task.content_type, task.object_id = content_types[model], plan.record.pk
        tasks.append(task)
    Task.objects.bulk_create(tasks)

    through = Task.participant_departments.through
    through.objects.bulk_create(
        through(task_id=task.pk, department_id=department.pk)
        for plan, task in zip(planned, tasks, strict=True)
        for department in plan.participants
    )
    TaskEvent.objects.bulk_create(
        TaskEvent(task=task, kind=TaskEvent.Kind.CREATED, actor=actor) for task in tasks
    )
    notify_new_tasks(tasks)
    return tasks


def notify_new_tasks(tasks: Sequence[Task]) -> None:
    """Mail each new task to its assignee, or to its department when nobody is assigned."""
    departments = {task.department_id for task in tasks if task.assignee_id is None}
    members: dict[int, list[str]] = defaultdict(list)
    for department_id, email in (
        Department.members.through.objects.filter(
            department_id__in=departments, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("department_id", "user__email")
    ):
        members[department_id].append(email)
    # A head who is not also a member hears of the queue's new tasks all the same.
    for department_id, email in (
        Department.objects.filter(pk__in=departments, head__is_active=True)
        .exclude(head__email="")
        .values_list("pk", "head__email")
    ):
        if email not in members[department_id]:
            members[department_id].append(email)
    with translation.override(settings.LANGUAGE_CODE):
        outbox_queue(
            Mail(
                key=f"task-created:{task.pk}",
                recipients=[task.assignee.email]
                if task.assignee and task.assignee.email
                else members[task.department_id],
                subject=task.title,
                body=_(
                    "%(title)s\n\nDepartment: %(department)s\nDeadline: %(deadline)s\n\n%(description)s\n\n%(url)s\n"
                )
                % {
                    "title": task.title,
                    "department": task.department.name,
                    "deadline": timezone.localtime(task.deadline).strftime("%Y-%m-%d %H:%M"),
                    "description": task.description,
                    "url": settings.SITE_URL + reverse("handover:task-detail", args=[task.pk]),
                },
            )
            for task in tasks
        )


def fire_successors(*, task: Task) -> list[Task]:
    """The predecessor ``task`` is done: make the tasks of the rules waiting for it.

    A waiting rule that has since been made inactive, or whose entry has ended (see
    ``Trigger.stages_ending``), makes nothing: its firing says why, and so do the rules
    after it. An object that merely moved on, as a supplier order goes from ordered to
    confirmed, still gets its tasks.
    """
    if task.rule_id is None or task.entry_id is None:
        return []
    waiting = list(
        RuleFiring.objects.select_for_update(of=("self",))
        .filter(
            entry_id=task.entry_id,
            rule__predecessor_id=task.rule_id,
            outcome=RuleFiring.Outcome.WAITING,
        )
        .select_related("rule__department__head", "rule__assignee", "entry")
        .order_by("pk")
    )
    if not waiting:
        return []
    entry = waiting[0].entry
    record = entry.record
    trigger = trigger_for_model(type(record))
    now = timezone.now()
    ready, skipped = [], []
    with translation.override(settings.LANGUAGE_CODE):
        ended = _why_entry_ended(entry, record, trigger)
        for firing in waiting:
            if ended:
                firing.message = ended
            elif not firing.rule.active:
                firing.message = _("Will not fire: the rule was made inactive.")
            else:
                ready.append(firing)
                continue
            firing.outcome, firing.updated_at = RuleFiring.Outcome.SKIPPED, now
            firing.message = firing.message[:300]
            skipped.append(firing)
    _pass_on_will_not_fire(skipped)
    if not ready:
        return []
    if trigger.related:
        prefetch_related_objects([record], *trigger.related)
    calendar, assigner = WorkingCalendar(), Assigner()
    planned = []
    for firing in ready:
        plan = _plan(firing.rule, record, trigger, now, calendar, assigner)
        plan.entry = entry
        planned.append(plan)
    tasks = write_tasks(planned, actor=None)
    with translation.override(settings.LANGUAGE_CODE):
        created = _("Created when “%(task)s” was done.") % {"task": task.title}
    for firing, plan, new_task in zip(ready, planned, tasks, strict=True):
        firing.outcome, firing.task, firing.updated_at = RuleFiring.Outcome.CREATED, new_task, now
        firing.message = " ".join(filter(None, [created, plan.queue_reason]))[:300]
    RuleFiring.objects.bulk_update(ready, ["outcome", "task", "message", "updated_at"])
    return tasks


def _why_entry_ended(entry: StageChange, record, trigger: Trigger) -> str:
    """Why the object's stage moves since ``entry`` have ended it, or "" if it is still on."""
    ending = trigger.stages_ending(entry.target)
    stage = (
        StageChange.objects.filter(
            content_type_id=entry.content_type_id,
            object_id=entry.object_id,
            pk__gt=entry.pk,
            target__in=ending,
        )
        .order_by("pk")
        .values_list("target", flat=True)
        .first()
    )
    if stage is None and record.stage in ending - {entry.target}:
        # The object's own stage settles it should its stage history miss the move.
        stage = record.stage
    if stage is None:
        return ""
    names = {"kind": trigger.label, "object": record, "entered": entry.target_label}
    if stage == entry.target:
        return (
            _(
                "Will not fire: %(kind)s “%(object)s” has entered “%(entered)s” again since "
                "this entry; the newer entry fires its own rules."
            )
            % names
        )
    return _(
        "Will not fire: %(kind)s “%(object)s” has moved to “%(stage)s” since this entry "
        "into “%(entered)s”."
    ) % {**names, "stage": dict(trigger.stages).get(stage, stage)}


def successors_will_not_fire(*, tasks: Sequence[Task]) -> None:
    """The ``tasks`` were cancelled: the rules waiting for them will never fire on their entry."""
    cancelled = {
        (task.rule_id, task.entry_id): task for task in tasks if task.rule_id and task.entry_id
    }
    if not cancelled:
        return
    waiting = (
        RuleFiring.objects.select_for_update(of=("self",))
        .filter(
            entry_id__in={entry_id for _rule, entry_id in cancelled},
            outcome=RuleFiring.Outcome.WAITING,
        )
        .select_related("rule")
        .order_by("pk")
    )
    now, skipped = timezone.now(), []
    with translation.override(settings.LANGUAGE_CODE):
        for firing in waiting:
            task = cancelled.get((firing.rule.predecessor_id, firing.entry_id))
            if task is None:
                continue
            firing.outcome, firing.updated_at = RuleFiring.Outcome.SKIPPED, now
            message = _("Will not fire: “%(task)s” was cancelled.") % {"task": task.title}
            firing.message = message[:300]
            skipped.append(firing)
    _pass_on_will_not_fire(skipped)


def _pass_on_will_not_fire(skipped: list[RuleFiring]) -> None:
    """Save the firings that will not fire, then mark the rules that follow them the same."""
    while skipped:
        RuleFiring.objects.bulk_update(skipped, ["outcome", "message", "updated_at"])
        blocked = {(firing.rule_id, firing.entry_id): firing.rule for firing in skipped}
        followers = (
            RuleFiring.objects.select_for_update(of=("self",))
            .filter(
                entry_id__in={entry_id for _rule, entry_id in blocked},
                rule__predecessor_id__in={rule_id for rule_id, _entry in blocked},
                outcome=RuleFiring.Outcome.WAITING,
            )
            .select_related("rule")
            .order_by("pk")
        )
        now, skipped = timezone.now(), []
        with translation.override(settings.LANGUAGE_CODE):
            for firing in followers:
                rule = blocked.get((firing.rule.predecessor_id, firing.entry_id))
                if rule is None:
                    continue
                firing.outcome, firing.updated_at = RuleFiring.Outcome.SKIPPED, now
                message = _("Will not fire: “%(rule)s”, which it follows, will not fire.") % {
                    "rule": rule
                }
                firing.message = message[:300]
                skipped.append(firing)


def preview(*, record, stage: str) -> list[PlannedTask]:
    """The tasks each active rule would create if ``record`` entered ``stage`` now."""
    trigger = trigger_for_model(type(record))
    if trigger is None:
        return []
    calendar, assigner, now = WorkingCalendar(), Assigner(), timezone.now()
    rules = _rules_for(trigger.kind, [stage])
    active = {rule.pk: rule for rule in rules}
    result = []
    for rule in rules:
        plan = _plan(rule, record, trigger, now, calendar, assigner)
        plan.waiting_for = rule.predecessor
        with translation.override(settings.LANGUAGE_CODE):
            plan.will_not_fire = _chain_break(rule, active)
        result.append(plan)
    return result


def backfill_candidates(rule: Rule) -> list[StageChange]:
    """The latest entries of objects now in the rule's stage that the rule has not fired on."""
    trigger = TRIGGERS[rule.trigger_kind]
    in_stage = trigger.model.objects.filter(stage=rule.trigger_stage).values("pk")
    latest = StageChange.objects.filter(
        content_type=ContentType.objects.get_for_model(trigger.model),
        object_id__in=in_stage,
        target=rule.trigger_stage,
    ).order_by("object_id", "-created_at", "-pk")
    seen, entries = set(), []
    for change in latest:
        if change.object_id not in seen:
            seen.add(change.object_id)
            entries.append(change)
    fired = set(
        RuleFiring.objects.filter(rule=rule, entry__in=entries).values_list("entry_id", flat=True)
    )
    entries = [change for change in entries if change.pk not in fired]
    records = trigger.model.objects.in_bulk([change.object_id for change in entries])
    for change in entries:
        change.record = records[change.object_id]
    return entries


def preview_backfill(*, rule: Rule, entries: Sequence[StageChange]) -> list[PlannedTask]:
    """The tasks a backfill would create: its dry run."""
    trigger = TRIGGERS[rule.trigger_kind]
    records = [change.record for change in entries]
    if trigger.related:
        prefetch_related_objects(records, *trigger.related)
    calendar, assigner, now = WorkingCalendar(), Assigner(), timezone.now()
    planned = []
    for change in entries:
        plan = _plan(rule, change.record, trigger, now, calendar, assigner)
        plan.entry = change
        planned.append(plan)
    return planned


def backfill(*, rule: Rule, entries: Sequence[StageChange], actor) -> list[Task]:
    """Fire one rule on entries made before it existed (the admin's backfill action)."""
    planned = preview_backfill(rule=rule, entries=entries)
    tasks = write_tasks(planned, actor=actor)
    RuleFiring.objects.bulk_create(
        RuleFiring(
            rule=rule,
            entry=plan.entry,
            deal=plan.deal,
            outcome=RuleFiring.Outcome.BACKFILLED,
            task=task,
            message=plan.queue_reason[:300],
        )
        for plan, task in zip(planned, tasks, strict=True)
    )
    return tasks
