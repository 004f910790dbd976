"""Departments, their tasks, and the automation rules that create tasks by themselves."""

import string

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from fulfilment.handover.triggers import TRIGGERS, kind_choices
from fulfilment.templatetags.people import full_name
from orders.models import Deal, StageChange


class DepartmentQuerySet(models.QuerySet):
    def of(self, user) -> "DepartmentQuerySet":
        """The departments ``user`` belongs to: as a member, or as the head."""
        return self.filter(models.Q(members=user) | models.Q(head=user)).distinct()


class Department(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        related_name="departments",
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Rule(models.Model):
    """When an object of a kind enters a stage, create a task for a department."""

    class DeadlineUnit(models.TextChoices):
        HOURS = "hours", _("hours")
        CALENDAR_DAYS = "calendar_days", _("calendar days")
        WORKING_DAYS = "working_days", _("working days")

    class AssigneeStrategy(models.TextChoices):
        HEAD = "head", _("the department head")
        USER = "user", _("a named user")
        LEAST_LOADED = "least_loaded", _("the member with the fewest open tasks")
        QUEUE = "queue", _("nobody: the department queue")

    name = models.CharField(_("name"), max_length=150)
    active = models.BooleanField(_("active"), default=True)
    trigger_kind = models.CharField(
        _("object kind"), max_length=40, choices=kind_choices(), default="orders.deal"
    )
    trigger_stage = models.CharField(
        _("stage entered"),
        max_length=30,
        help_text=_(
            "The rule fires each time an object enters this stage: leaving the stage and "
            "entering it again is a new entry and fires again; repeating or retrying the "
            "same entry never creates a second task."
        ),
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="rules"
    )
    participant_departments = models.ManyToManyField(
        Department,
        verbose_name=_("participating departments"),
        related_name="participating_rules",
        blank=True,
        help_text=_(
            "They see the task on their dashboards and comment; the department completes it."
        ),
    )
    title_template = models.CharField(_("title"), max_length=300)
    description_template = models.TextField(_("description"), blank=True)
    deadline_offset = models.IntegerField(_("deadline in"), default=1)
    deadline_unit = models.CharField(
        _("unit"), max_length=20, choices=DeadlineUnit, default=DeadlineUnit.WORKING_DAYS
    )
    assignee_strategy = models.CharField(
        _("assign to"), max_length=20, choices=AssigneeStrategy, default=AssigneeStrategy.QUEUE
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("after"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        help_text=_(
            "Create this task only when the other rule's task for the same object is done; "
            "the deadline counts from that moment."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["trigger_kind", "trigger_stage", "name", "pk"]
        verbose_name = _("automation rule")
        verbose_name_plural = _("automation rules")

    def __str__(self) -> str:
        return self.name

    @property
    def trigger(self):
        return TRIGGERS.get(self.trigger_kind)

    @property
    def trigger_label(self) -> str:
        trigger = self.trigger
        if trigger is None:
            return self.trigger_kind
        stage = dict(trigger.stages).get(self.trigger_stage, self.trigger_stage)
        return f"{trigger.label} → {stage}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        trigger = self.trigger
        if trigger is None:
            errors.setdefault("trigger_kind", []).append(gettext("Choose an object kind."))
        else:
            if self.trigger_stage not in dict(trigger.stages):
                errors.setdefault("trigger_stage", []).append(
                    gettext("%(kind)s has no stage “%(stage)s”.")
                    % {"kind": trigger.label, "stage": self.trigger_stage}
                )
            for name in ("title_template", "description_template"):
                problem = template_problem(getattr(self, name), trigger.placeholders)
                if problem:
                    errors.setdefault(name, []).append(problem)
        if self.deadline_offset is not None and self.deadline_offset < 0:
            errors.setdefault("deadline_offset", []).append(
                gettext("The deadline offset cannot be negative.")
            )
        if self.assignee_strategy == self.AssigneeStrategy.USER:
            problem = self._named_user_problem()
            if problem:
                errors.setdefault("assignee", []).append(problem)
        if self.predecessor_id:
            problem = self._predecessor_problem()
            if problem:
                errors.setdefault("predecessor", []).append(problem)
        problem = self._successors_problem()
        if problem:
            errors.setdefault(NON_FIELD_ERRORS, []).append(problem)
        if errors:
            raise ValidationError(errors)

    def _named_user_problem(self) -> str | None:
        if not self.assignee_id:
            return gettext("Name the user, or choose another way to assign.")
        if self.department_id is None:
            return None
        if not Department.objects.of(self.assignee).filter(pk=self.department_id).exists():
            return gettext(
                "%(name)s is neither a member nor the head of %(department)s: add them to "
                "the department or choose another way to assign."
            ) % {"name": full_name(self.assignee), "department": self.department}
        return None

    def _successors_problem(self) -> str | None:
        """A rule that others follow must keep their trigger, or their tasks never come."""
        if self.pk is None:
            return None
        mismatched = list(
            Rule.objects.filter(predecessor=self)
            .exclude(trigger_kind=self.trigger_kind, trigger_stage=self.trigger_stage)
            .order_by("name", "pk")
        )
        if not mismatched:
            return None
        return gettext(
            "Rules that follow this one fire on %(theirs)s: %(rules)s. A rule they follow "
            "must fire on the same entry: change them first, or keep this rule on their trigger."
        ) % {
            "rules": ", ".join(f"“{rule.name}”" for rule in mismatched),
            "theirs": ", ".join(sorted({str(rule.trigger_label) for rule in mismatched})),
        }

    def _predecessor_problem(self) -> str | None:
        predecessor = self.predecessor
        if (predecessor.trigger_kind, predecessor.trigger_stage) != (
            self.trigger_kind,
            self.trigger_stage,
        ):
            return gettext(
                "“%(other)s” fires on %(its)s; a chained rule must fire on the same entry "
                "(%(ours)s)."
            ) % {"other": predecessor, "its": predecessor.trigger_label, "ours": self.trigger_label}
        chain, seen, rule = [self.name], {self.pk}, predecessor
        while rule is not None:
            chain.append(rule.name)
            if rule.pk in seen:
                return gettext("The chain loops back: %(chain)s.") % {"chain": " → ".join(chain)}
            seen.add(rule.pk)
            rule = rule.predecessor
        return None


def template_problem(template: str, placeholders: dict) -> str | None:
    """Why a title or description template cannot be used, or None."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        return gettext("The template is not valid: %(error)s.") % {"error": error}
    known = ", ".join(f"{{{name}}}" for name in placeholders)
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in placeholders:
            return gettext("Unknown placeholder {%(name)s}: use %(known)s.") % {
                "name": name,
                "known": known,
            }
        if spec or conversion:
            return gettext("Write the placeholder {%(name)s} without a format.") % {"name": name}
    return None


class TaskQuerySet(models.QuerySet):
    def open(self) -> "TaskQuerySet":
        return self.filter(status__in=Task.OPEN_STATUSES)

    def overdue(self, now=None) -> "TaskQuerySet":
        return self.open().filter(deadline__lt=now or timezone.now())


class Task(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="tasks"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tasks",
    )
    participant_departments = models.ManyToManyField(
        Department,
        verbose_name=_("participating departments"),
        related_name="participating_tasks",
        blank=True,
    )
    participant_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        related_name="participating_tasks",
        blank=True,
    )
    deadline = models.DateTimeField(_("deadline"))
    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="tasks"
    )
    # The record of the deal the task concerns (a supplier order, a contract), if any.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    rule = models.ForeignKey(
        Rule,
        verbose_name=_("rule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    entry = models.ForeignKey(
        StageChange,
        verbose_name=_("stage entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = FSMField(_("status"), choices=Status, default=Status.OPEN, protected=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue notice sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            # A rule creates at most one task per entry of an object into a stage.
            models.UniqueConstraint(
                fields=["rule", "entry"],
                condition=models.Q(rule__isnull=False, entry__isnull=False),
                name="handover_task_once_per_rule_entry",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "deadline"], name="handover_task_queue"),
            models.Index(fields=["assignee", "status", "deadline"], name="handover_task_mine"),
            models.Index(fields=["status", "deadline"], name="handover_task_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("handover:task-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.deadline < (now or timezone.now())

    # --- Status: the methods only guard and change the state; services save. ---------

    @transition(
        field=status, source=Status.OPEN, target=Status.IN_PROGRESS, custom={"label": _("Start")}
    )
    def start(self) -> None:
        pass

    @transition(
        field=status,
        source=[Status.OPEN, Status.IN_PROGRESS],
        target=Status.DONE,
        custom={"label": _("Complete"), "style": "primary"},
    )
    def complete(self) -> None:
        self.completed_at = timezone.now()

    @transition(
        field=status,
        source=[Status.OPEN, Status.IN_PROGRESS],
        target=Status.CANCELLED,
        custom={"label": _("Cancel"), "comment_required": True, "style": "danger"},
    )
    def cancel(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.DONE,
        target=Status.OPEN,
        custom={"label": _("Reopen"), "comment_required": True},
    )
    def reopen(self) -> None:
        self.completed_at = None


class TaskEvent(models.Model):
    """One change of a task: created, status, assignee, deadline."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        STATUS = "status", _("status changed")
        ASSIGNED = "assigned", _("assignee changed")
        DEADLINE = "deadline", _("deadline moved")
        OVERDUE = "overdue", _("overdue notice sent")
        PARTICIPANT = "participant", _("participant added")
        DETAILS = "details", _("title changed")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    old_value = models.CharField(_("from"), max_length=200, blank=True)
    new_value = models.CharField(_("to"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("task event")
        verbose_name_plural = _("task events")

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind}"


class TaskComment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]


class RuleFiring(models.Model):
    """The log of what a rule did with one stage entry: the task it made, or why none."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("task created")
        WAITING = "waiting", _("waiting for the preceding task")
        SKIPPED = "skipped", _("will not fire")
        BACKFILLED = "backfilled", _("task created by backfill")

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="firings")
    entry = models.ForeignKey(StageChange, on_delete=models.CASCADE, related_name="+")
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome)
    task = models.ForeignKey(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("fired at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rule firing")
        verbose_name_plural = _("rule firings")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "entry"], name="handover_firing_once_per_entry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} / {self.entry_id}: {self.get_outcome_display()}"


class PaymentReminder(models.Model):
    """The accounting task for one installment and due date: at most one, however often
    the reminder job runs, retries or catches up."""

    installment = models.ForeignKey(
        "payments.Installment", on_delete=models.CASCADE, related_name="reminders"
    )
    due_date = models.DateField(_("due date"))
    task = models.OneToOneField(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="payment_reminder"
    )
    run = models.UUIDField(_("made by job run"), null=True, blank=True)
    missing = models.JSONField(_("missing from the pack"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["installment", "due_date"], name="handover_one_reminder_per_due_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.installment} {self.due_date:%Y-%m-%d}"


class PaymentEscalation(models.Model):
    """An overdue installment, escalated once to the operations director."""

    installment = models.OneToOneField(
        "payments.Installment", on_delete=models.CASCADE, related_name="escalation"
    )
    task = models.OneToOneField(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    run = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment escalation")
        verbose_name_plural = _("payment escalations")

    def __str__(self) -> str:
        return str(self.installment)


class LateDeliveryAlert(models.Model):
    """A supplier order past its planned delivery date: one procurement task per planned date."""

    supplier_order = models.ForeignKey(
        "orders.SupplierOrder", on_delete=models.CASCADE, related_name="late_alerts"
    )
    planned_date = models.DateField(_("planned delivery date"))
    task = models.OneToOneField(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    run = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("late delivery alert")
        verbose_name_plural = _("late delivery alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier_order", "planned_date"],
                name="handover_one_alert_per_planned_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_order} {self.planned_date:%Y-%m-%d}"
