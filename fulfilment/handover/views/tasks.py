"""Task dashboards, the task card, and the deal card's tasks panel."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fulfilment.handover import rules, selectors, services
from fulfilment.handover.forms import (
    AssignForm,
    CommentForm,
    NewTaskForm,
    ParticipantForm,
    PreviewForm,
    TaskActionForm,
    TaskFilterForm,
)
from fulfilment.handover.models import Task
from fulfilment.handover.permissions import department_ids, is_head_of, task_refusals
from fulfilment.roles import Can, can, capability_required
from orders.forms import AttachmentForm
from orders.permissions import deal_is_editable_by
from orders.selectors import deals_visible_to
from orders.views.common import attach_posted_file
from orders.workflow import (
    TransitionConflict,
    TransitionOption,
    TransitionRefused,
    transition_options,
)


def task_actions(user, task: Task) -> list[TransitionOption]:
    """The buttons ``user`` gets on a task: the steps they may take now."""
    options = [
        option
        for option in transition_options(task, "status")
        if not task_refusals(user, task, option.name)
    ]
    if task.is_open and task.assignee_id != user.pk and not task_refusals(user, task, "take"):
        options.insert(0, TransitionOption(name="take", label=_("Take"), target=task.status))
    return options


def _with_actions(user, tasks):
    for task in tasks:
        task.actions = task_actions(user, task)
    return tasks


def _dashboard(
    request: HttpRequest, *, title: str, tasks, form, template_context=None
) -> HttpResponse:
    text = form.cleaned_data.get("q", "") if form.is_valid() else ""
    groups = selectors.task_groups(selectors.search(tasks, text))
    for group in groups:
        _with_actions(request.user, group.tasks)
    context = {
        "title": title,
        "form": form,
        "groups": groups,
        "now": timezone.now(),
        **(template_context or {}),
    }
    if request.htmx and request.htmx.target == "task-groups":
        return render(request, "handover/partials/task_groups.html", context)
    return render(request, "handover/dashboard.html", context)


@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    form = TaskFilterForm(request.GET or None)
    return _dashboard(
        request, title=_("My tasks"), tasks=selectors.my_tasks(request.user), form=form
    )


@require_GET
def department_queue(request: HttpRequest) -> HttpResponse:
    departments = selectors.departments_for_queue(request.user)
    form = TaskFilterForm(request.GET or None, departments=departments)
    department = form.cleaned_data.get("department") if form.is_valid() else None
    department = department or departments.first()
    if department is None:
        return render(request, "handover/no_department.html", status=200)
    form.initial["department"] = department.pk
    return _dashboard(
        request,
        title=_("Department queue"),
        tasks=selectors.department_queue(department),
        form=form,
        template_context={"department": department},
    )


def _visible_task(request: HttpRequest, pk: int) -> Task:
    return get_object_or_404(
        selectors.task_detail(selectors.with_card_data(selectors.tasks_visible_to(request.user))),
        pk=pk,
    )


def _task_context(request: HttpRequest, task: Task) -> dict:
    task.actions = task_actions(request.user, task)
    return {
        "task": task,
        "now": timezone.now(),
        "history": selectors.task_history(task),
        "comments": selectors.task_comments(task),
        "comment_form": CommentForm(),
        "attachments": selectors.task_attachments(task),
        "attachment_form": AttachmentForm(),
        "participant_form": ParticipantForm(deal=task.deal)
        if not task_refusals(request.user, task, "start")
        else None,
        "pack": selectors.task_payment_pack(task) if can(request.user, Can.VIEW_PAYMENTS) else None,
        "assign_form": AssignForm(
            department=task.department, initial={"assignee": task.assignee_id}
        )
        if is_head_of(request.user, task.department_id)
        else None,
    }


def _next(request: HttpRequest) -> str:
    """Where to go back to after a non-htmx action: a page of this site, or nowhere."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else ""


def _render_task(request: HttpRequest, task: Task) -> HttpResponse:
    if request.htmx and request.htmx.target == f"task-{task.pk}":
        task.actions = task_actions(request.user, task)
        return render(
            request, "handover/partials/task_row.html", {"task": task, "now": timezone.now()}
        )
    if request.htmx:
        return render(request, "handover/partials/task_card.html", _task_context(request, task))
    return render(request, "handover/task_detail.html", _task_context(request, task))


@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_task(request, _visible_task(request, pk))


@require_POST
def task_act(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_task(request, pk)
    form = TaskActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was incomplete; please try again."))
    else:
        name = form.cleaned_data["name"]
        try:
            if name == "take":
                services.task_take(task=task, actor=request.user)
            else:
                services.task_transition(
                    task=task,
                    name=name,
                    actor=request.user,
                    comment=form.cleaned_data["comment"],
                    expected_status=form.cleaned_data["expected_status"] or None,
                )
        except (TransitionRefused, TransitionConflict) as refusal:
            for reason in getattr(refusal, "reasons", [str(refusal)]):
                messages.error(request, reason)
        else:
            messages.success(
                request,
                _("Done: %(title)s") % {"title": task.title} if name == "complete" else _("Saved."),
            )
    if request.htmx:
        return _render_task(request, _visible_task(request, pk))
    return redirect(_next(request) or task.get_absolute_url())


@require_POST
def task_comment(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_task(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.task_comment_add(task=task, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Comment added."))
    else:
        messages.error(request, _("Write something first."))
    if request.htmx:
        return _render_task(request, _visible_task(request, pk))
    return redirect(_next(request) or task.get_absolute_url())


@require_POST
def task_attach(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_task(request, pk)
    return attach_posted_file(
        request,
        partial(services.task_attachment_add, task=task),
        task.get_absolute_url() + "#files",
    )


@require_POST
def task_participant(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_task(request, pk)
    form = ParticipantForm(request.POST, deal=task.deal)
    if form.is_valid():
        try:
            services.task_participant_add(
                task=task, user=form.cleaned_data["user"], actor=request.user
            )
        except PermissionDenied as denied:
            messages.error(request, str(denied))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose a person."))
    return redirect(task.get_absolute_url())


@require_POST
def task_assign(request: HttpRequest, pk: int) -> HttpResponse:
    task = _visible_task(request, pk)
    form = AssignForm(request.POST, department=task.department)
    if form.is_valid():
        try:
            services.task_assign(
                task=task, assignee=form.cleaned_data["assignee"], actor=request.user
            )
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose a member of the department."))
    return redirect(task.get_absolute_url())


# --- The deal card -------------------------------------------------------------------


def _may_create_tasks(user, deal) -> bool:
    # Only for a deal the back office can open: one that has entered realization.
    return (
        deal.is_open
        and bool(deal.realization_number)
        and (deal_is_editable_by(user, deal) or bool(department_ids(user)))
    )


def deal_tasks_panel(request: HttpRequest, deal) -> dict:
    """The deal card's tasks: every task of the deal, a new-task form, the rule preview."""
    tasks = _with_actions(request.user, list(selectors.deal_tasks(deal)))
    preview_allowed = can(request.user, Can.PREVIEW_RULES)
    return {
        "deal": deal,
        "tasks": tasks,
        "now": timezone.now(),
        "new_task_form": NewTaskForm(prefix="task")
        if _may_create_tasks(request.user, deal)
        else None,
        "preview_form": PreviewForm(initial={"stage": "realization"}) if preview_allowed else None,
        "firings": selectors.deal_firings(deal)[:20] if preview_allowed else None,
    }


@require_POST
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    deal = get_object_or_404(deals_visible_to(request.user), pk=pk)
    if not _may_create_tasks(request.user, deal):
        raise PermissionDenied
    form = NewTaskForm(request.POST, prefix="task")
    if form.is_valid():
        try:
            task = services.task_create(
                deal=deal,
                department=form.cleaned_data["department"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                deadline=form.deadline(),
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Task created: %(title)s") % {"title": task.title})
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect(deal.get_absolute_url() + "#tasks")


@require_GET
@capability_required(Can.PREVIEW_RULES)
def rule_preview(request: HttpRequest, pk: int) -> HttpResponse:
    deal = get_object_or_404(
        deals_visible_to(request.user).select_related("customer", "manager"), pk=pk
    )
    form = PreviewForm(request.GET)
    planned = (
        rules.preview(record=deal, stage=form.cleaned_data["stage"]) if form.is_valid() else []
    )
    return render(
        request,
        "handover/partials/rule_preview.html",
        {"deal": deal, "planned": planned, "form": form},
    )
