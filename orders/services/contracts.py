"""Every write to contracts, supplementary agreements and specifications."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from fulfilment.roles import Can
from numbering.services import child_number_issue
from orders.models import (
    Attachment,
    Contract,
    Deal,
    Specification,
    SpecificationLine,
    SupplementaryAgreement,
    SupplierOrder,
)
from orders.permissions import record_refusals
from orders.services.attachments import attachment_prepare, attachment_saving
from orders.services.deals import deal_lock_for_records
from orders.services.history import record_stage_changes
from orders.signals import stage_entered
from orders.workflow import TransitionConflict, TransitionRefused, transition_by_name, unmet_reasons

CONTRACT_FIELDS = ("counterparty", "kind", "contract_date", "subject", "payment_terms_text")
LINE_FIELDS = (
    "name",
    "quantity",
    "unit",
    "unit_price",
    "vat_rate",
    "hs_code",
    "country_of_origin",
    "delivery_time",
)


def _require(actor, deal: Deal, capability: Can) -> None:
    refusals = record_refusals(actor, deal, capability)
    if refusals:
        raise PermissionDenied(refusals[0])


def _lock(contract: Contract) -> Contract:
    """Lock the contract's deal, then the contract: the order of every write under a deal,
    so the deal read with the contract (its stage, its manager) holds until commit."""
    list(Deal.objects.select_for_update(of=("self",)).filter(pk=contract.deal_id).values("pk"))
    return (
        Contract.objects.select_for_update(of=("self",)).select_related("deal").get(pk=contract.pk)
    )


def _editable(contract: Contract) -> None:
    if not contract.is_editable:
        raise PermissionDenied(
            _("The contract is %(stage)s: it changes only by a supplementary agreement.")
            % {"stage": contract.get_stage_display().lower()}
        )


def contract_create(*, deal: Deal, actor, data: dict[str, Any]) -> Contract:
    _require(actor, deal, Can.MANAGE_CONTRACTS)
    contract = Contract(deal=deal, created_by=actor)
    for name in CONTRACT_FIELDS:
        if name in data:
            setattr(contract, name, data[name])
    with transaction.atomic():
        # The deal is locked first, then the number counter: the deal cannot leave
        # Realization between the check and the new contract.
        contract.deal = deal_lock_for_records(
            deal=deal, actor=actor, capability=Can.MANAGE_CONTRACTS
        )
        contract.full_clean(exclude=["stage", "number"])
        contract.number = child_number_issue(parent=contract.deal.realization_number, kind="C")
        contract.stage_changed_at = timezone.now()
        contract.save()
        changes = record_stage_changes(
            [(contract, "", contract.stage)],
            deal_of=lambda c: c.deal,
            actor=actor,
            comment=_("Created"),
        )
        stage_entered.send(sender=Contract, changes=changes, actor=actor)
    return contract


def contract_update(*, contract: Contract, actor, data: dict[str, Any]) -> Contract:
    with transaction.atomic():
        locked = _lock(contract)
        _require(actor, locked.deal, Can.MANAGE_CONTRACTS)
        _editable(locked)
        for name in CONTRACT_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        locked.full_clean(exclude=["stage"])
        locked.save()
    return locked


def contract_transition(
    *,
    contract: Contract,
    name: str,
    actor,
    dates: dict[str, datetime.date] | None = None,
    comment: str = "",
    expected_stage: str | None = None,
) -> Contract:
    dates = dates or {}
    with transaction.atomic():
        locked = _lock(contract)
        if expected_stage is not None and locked.stage != expected_stage:
            raise TransitionConflict(
                _("This contract is already “%(stage)s”: someone moved it a moment ago.")
                % {"stage": locked.get_stage_display()}
            )
        transition = transition_by_name(locked, "stage", name)
        if transition is None:
            raise TransitionRefused([_("There is no such step for a contract.")])
        refusals = record_refusals(actor, locked.deal, Can.MANAGE_CONTRACTS)
        if not refusals and not can_proceed(getattr(locked, name), check_conditions=False):
            refusals = [
                _("A contract that is “%(stage)s” cannot take this step.")
                % {"stage": locked.get_stage_display()}
            ]
        if refusals:
            raise TransitionRefused(refusals)
        refusals = unmet_reasons(locked, transition)
        custom = transition.custom or {}
        for field in custom.get("dates", ()):
            value = dates.get(field)
            if value is None:
                refusals.append(_("Enter the date of signing."))
            elif value > timezone.localdate():
                refusals.append(_("The date of signing cannot be in the future."))
            else:
                setattr(locked, field, value)
        if custom.get("comment_required") and not comment.strip():
            refusals.append(_("Say why in the comment."))
        if refusals:
            raise TransitionRefused(refusals)
        source = locked.stage
        getattr(locked, name)()
        now = timezone.now()
        locked.stage_changed_at = now
        if locked.stage == Contract.Stage.SIGNED:
            locked.signed_at, locked.signed_by = now, actor
        locked.save()
        changes = record_stage_changes(
            [(locked, source, locked.stage)],
            deal_of=lambda c: c.deal,
            actor=actor,
            comment=comment.strip(),
        )
        stage_entered.send(sender=Contract, changes=changes, actor=actor)
    return locked


def contract_attachment_add(
    *, contract: Contract, upload: UploadedFile, actor, category: str
) -> Attachment:
    """A file on a contract that is still being prepared; a signed contract takes only
    the scan of its signed copy, and changes by supplementary agreement."""
    _require(actor, contract.deal, Can.MANAGE_CONTRACTS)
    _accepts_file(contract, category)
    prepared = attachment_prepare(deal=contract.deal, upload=upload, actor=actor, category=category)
    with attachment_saving(prepared):
        # The stage is checked again under the lock: the contract may have been signed
        # or cancelled while the file was being written.
        locked = _lock(contract)
        _require(actor, locked.deal, Can.MANAGE_CONTRACTS)
        _accepts_file(locked, category)
        prepared.record = locked
        prepared.save()
    return prepared


def _accepts_file(contract: Contract, category: str) -> None:
    if contract.is_editable:
        return
    if contract.stage == Contract.Stage.SIGNED and category == Attachment.Category.SIGNED_CONTRACT:
        return
    if contract.stage == Contract.Stage.SIGNED:
        raise PermissionDenied(
            _(
                "Contract %(number)s is signed: it takes only the scan of its signed copy; "
                "anything else is added with a supplementary agreement."
            )
            % {"number": contract.number}
        )
    raise PermissionDenied(
        _("Contract %(number)s is cancelled: no files can be added to it.")
        % {"number": contract.number}
    )


# The furthest ahead an agreement may be dated; anything later is a typo in the year.
AGREEMENT_HORIZON = datetime.timedelta(days=366)


def agreement_date_problems(*, contract: Contract, date: datetime.date) -> list[str]:
    """Why ``date`` makes no sense for an agreement to ``contract``; empty if it does."""
    problems = []
    if contract.contract_date and date < contract.contract_date:
        problems.append(
            _("The agreement date (%(date)s) is before the contract date (%(contract)s).")
            % {"date": date_format(date), "contract": date_format(contract.contract_date)}
        )
    if date > timezone.localdate() + AGREEMENT_HORIZON:
        problems.append(
            _("The agreement date (%(date)s) is more than a year ahead: please check the year.")
            % {"date": date_format(date)}
        )
    return problems


def agreement_add(
    *, contract: Contract, actor, date: datetime.date, subject: str, upload: UploadedFile
) -> SupplementaryAgreement:
    """Change a signed contract the only way it can change: by a supplementary agreement.

    The file is checked and written before the contract is locked, and removed again if
    the agreement is refused.
    """
    _require(actor, contract.deal, Can.MANAGE_CONTRACTS)
    prepared = attachment_prepare(
        deal=contract.deal,
        upload=upload,
        actor=actor,
        category=Attachment.Category.SUPPLEMENTARY_AGREEMENT,
    )
    with attachment_saving(prepared):
        # The deal first, then the contract, then its agreements' sequence: the deal
        # cannot leave Realization between the check and the new agreement.
        deal_lock_for_records(deal=contract.deal, actor=actor, capability=Can.MANAGE_CONTRACTS)
        locked = _lock(contract)
        if locked.stage != Contract.Stage.SIGNED:
            raise PermissionDenied(_("A contract that is not signed is edited directly."))
        problems = agreement_date_problems(contract=locked, date=date)
        if problems:
            raise ValidationError({"date": problems})
        sequence = (locked.agreements.aggregate(last=Max("sequence"))["last"] or 0) + 1
        agreement = SupplementaryAgreement(
            contract=locked, sequence=sequence, date=date, subject=subject.strip(), created_by=actor
        )
        agreement.full_clean()
        agreement.save()
        prepared.record = agreement
        prepared.save()
    return agreement


def specification_create(*, contract: Contract, actor, date: datetime.date) -> Specification:
    with transaction.atomic():
        # The deal first, then the contract, then the number counter: the deal cannot
        # leave Realization between the check and the new specification.
        deal_lock_for_records(deal=contract.deal, actor=actor, capability=Can.MANAGE_SPECIFICATIONS)
        locked = _lock(contract)
        _editable(locked)
        specification = Specification(contract=locked, date=date)
        specification.full_clean(exclude=["number"])
        specification.number = child_number_issue(parent=locked.deal.realization_number, kind="SP")
        specification.save()
    return specification


def specification_save_lines(
    *, specification: Specification, actor, lines: list[dict[str, Any]]
) -> list[SpecificationLine]:
    """Make the specification's lines ``lines``, in that order; a line with an ``id`` is
    an existing line edited, one without is new, and existing lines left out are removed."""
    with transaction.atomic():
        contract = _lock(specification.contract)
        _require(actor, contract.deal, Can.MANAGE_SPECIFICATIONS)
        _editable(contract)
        existing = {line.pk: line for line in specification.lines.all()}
        rows, problems = [], []
        for position, data in enumerate(lines, start=1):
            row = existing.get(data.get("id")) or SpecificationLine(specification=specification)
            row.position = position
            for name in LINE_FIELDS:
                if name in data:
                    setattr(row, name, data[name])
            try:
                row.full_clean()
            except ValidationError as error:
                messages = " ".join(m for ms in error.message_dict.values() for m in ms)
                problems.append(
                    _("Line %(position)d: %(problem)s")
                    % {"position": position, "problem": messages}
                )
            rows.append(row)
        kept = {row.pk for row in rows if row.pk}
        removed = [pk for pk in existing if pk not in kept]
        covered = SupplierOrder.specification_lines.through.objects.filter(
            specificationline_id__in=removed
        )
        if removed and covered.exists():
            problems.append(
                _("A removed line is covered by a supplier order; take it off the order first.")
            )
        if problems:
            raise ValidationError(problems)
        SpecificationLine.objects.filter(pk__in=removed).delete()
        SpecificationLine.objects.bulk_update(
            [row for row in rows if row.pk], ["position", *LINE_FIELDS]
        )
        SpecificationLine.objects.bulk_create([row for row in rows if not row.pk])
        Specification.objects.filter(pk=specification.pk).update(updated_at=timezone.now())
    return rows
