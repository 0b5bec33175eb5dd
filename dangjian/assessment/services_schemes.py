"""Writes of schemes (考核方案): copy a scheme into a new draft version, edit the draft's criteria,
grades and review steps, publish it, retire it.

A published version is never changed (a cycle names the version it used): every edit is refused
unless the scheme is a draft. Organizations at the right level (not branches or Party groups)
define their own schemes by copying a shipped or an upper level's scheme.
"""
from __future__ import annotations

import functools
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import can
from dangjian.core.audit import audit_log
from dangjian.organizations.choices import BRANCH_TYPES, OrgType, UnitKind
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import organizations_for

from .choices import EvidenceKind, Performer, SchemeStatus
from .indicators import INDICATORS
from .models import Criterion, Grade, ReviewStep, Scheme

# Organizations that rate others with their own schemes: not branches or Party groups.
NOT_DEFINING = (*BRANCH_TYPES, OrgType.PARTY_GROUP)

# The life of a scheme version: (from, to) → audit code. Nothing else changes its status.
TRANSITIONS = {
    (SchemeStatus.DRAFT, SchemeStatus.PUBLISHED): "assessment.scheme_published",
    (SchemeStatus.PUBLISHED, SchemeStatus.RETIRED): "assessment.scheme_retired",
}

CODE_LENGTH = Scheme._meta.get_field("code").max_length


def _immutable() -> ValidationError:
    return ValidationError(_("A published scheme cannot be changed; copy it as a new version."), code="not_draft")


def _check_editable(actor, scheme: Scheme) -> Scheme:
    """The scheme row locked for an edit, inside the caller's transaction: edits need "change" over the
    owner, and a draft. The status is read from the locked row, so an edit racing a publish either
    finishes before it or is refused."""
    if not can(actor, "change", scheme):
        raise PermissionDenied
    locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if not locked.editable:
        raise _immutable()
    return locked


def _editing(service):
    """An edit of a draft's criteria, grades or steps: run in one transaction on the scheme row locked and
    checked by ``_check_editable`` (the service gets the locked row as ``scheme``)."""
    @functools.wraps(service)
    def edit(*, actor, scheme: Scheme, **kwargs):
        with transaction.atomic():
            return service(actor=actor, scheme=_check_editable(actor, scheme), **kwargs)
    return edit


def may_define(actor, organization: Organization) -> bool:
    return (organization.org_type not in NOT_DEFINING
            and Organization.objects.restrict(actor, "add").filter(pk=organization.pk).exists())


def owners_for(actor):
    """The organizations ``actor`` may define schemes for: those they may add in, above branch level."""
    return organizations_for(actor, "add", exclude_types=NOT_DEFINING)


def _copy_code(scheme: Scheme, owner: Organization) -> str:
    """The same code for a new version by the same owner; else the family code with the new owner's
    code appended (``community-tiers-lj01``), any earlier owner's suffix dropped."""
    if scheme.owner_id == owner.pk:
        return scheme.code
    base = scheme.code
    if scheme.owner_id:
        suffix = f"-{scheme.owner.code.lower()}"
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    suffix = f"-{owner.code.lower()}"
    return base[: CODE_LENGTH - len(suffix)] + suffix


def scheme_copy(*, actor, scheme: Scheme, owner: Organization) -> Scheme:
    """A new draft version of ``scheme`` owned by ``owner``, with its criteria, grades and steps."""
    if not can(actor, "view", scheme):
        raise PermissionDenied
    if owner.org_type in NOT_DEFINING:
        raise ValidationError({"owner": _("Branches and Party groups do not define schemes; choose an "
                                          "organization above them.")})
    if not may_define(actor, owner):
        raise PermissionDenied
    code = _copy_code(scheme, owner)
    with transaction.atomic():
        # The codes an owner's copies get are its own: locking the owner's row makes two copies into it
        # wait for each other, so they never compute the same next version.
        Organization.objects.select_for_update().filter(pk=owner.pk).first()
        version = (Scheme.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0) + 1
        copy = Scheme.objects.create(
            code=code, version=version, kind=scheme.kind, name=scheme.name, description=scheme.description,
            owner=owner, unit_kinds=list(scheme.unit_kinds), veto_grade=scheme.veto_grade, source=scheme.source,
            status=SchemeStatus.DRAFT, created_by=actor if getattr(actor, "pk", None) else None,
        )
        Criterion.objects.bulk_create(
            Criterion(scheme=copy, order=c.order, code=c.code, name=c.name, description=c.description,
                      points=c.points, evidence=c.evidence, indicator=c.indicator, threshold=c.threshold,
                      is_veto=c.is_veto) for c in scheme.criteria.all())
        Grade.objects.bulk_create(Grade(scheme=copy, code=g.code, name=g.name, min_points=g.min_points, rank=g.rank)
                                  for g in scheme.grades.all())
        ReviewStep.objects.bulk_create(
            ReviewStep(scheme=copy, order=s.order, code=s.code, name=s.name, performer=s.performer,
                       notice_days=s.notice_days) for s in scheme.steps.all())
        audit_log(actor=actor, action="assessment.scheme_copied", obj=copy, organization=owner,
                  changes={"from": f"{scheme.code} v{scheme.version}", "code": code, "version": version})
    return copy


def scheme_update(*, actor, scheme: Scheme, name: str, description: str = "", unit_kinds: list[str] = (),
                  veto_grade: str = "") -> Scheme:
    """Change a draft's name, description, the unit kinds it rates and its grade when vetoed."""
    name = (name or "").strip()
    veto_grade = (veto_grade or "").strip()
    with transaction.atomic():
        scheme = _check_editable(actor, scheme)
        if not name:
            raise ValidationError({"name": _("Give the scheme a name.")})
        unknown = [k for k in unit_kinds if k not in UnitKind.values]
        if unknown:
            raise ValidationError({"unit_kinds": _("Unknown unit kind: %(kinds)s.") % {"kinds": ", ".join(unknown)}})
        if veto_grade and not scheme.grades.filter(code=veto_grade).exists():
            raise ValidationError({"veto_grade": _("The grade when vetoed must be one of the scheme's grades.")})
        before = {"name": scheme.name, "description": scheme.description, "unit_kinds": scheme.unit_kinds,
                  "veto_grade": scheme.veto_grade}
        scheme.name, scheme.description = name, description.strip()
        scheme.unit_kinds, scheme.veto_grade = list(unit_kinds), veto_grade
        scheme.save(update_fields=["name", "description", "unit_kinds", "veto_grade"])
        after = {"name": scheme.name, "description": scheme.description, "unit_kinds": scheme.unit_kinds,
                 "veto_grade": scheme.veto_grade}
        audit_log(actor=actor, action="assessment.scheme_updated", obj=scheme, organization=scheme.owner,
                  changes={k: v for k, v in after.items() if before[k] != v})
    return scheme


# ----- criteria, grades, steps of a draft -----------------------------------------------------

CRITERION_FIELDS = ("code", "name", "description", "points", "evidence", "indicator", "threshold", "is_veto", "order")


@_editing
def criterion_save(*, actor, scheme: Scheme, criterion: Criterion | None = None, **fields) -> Criterion:
    """Add a criterion to a draft (``criterion`` None) or change one of its criteria.

    Fields: code, name, description, points, evidence, indicator, threshold, is_veto, order. A veto
    item carries no points; a measured criterion names a registered indicator and its threshold.
    """
    if criterion is not None and criterion.scheme_id != scheme.pk:
        raise ValidationError(_("This criterion belongs to another scheme."))
    unknown = set(fields) - set(CRITERION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown criterion fields: {sorted(unknown)}")
    target = criterion or Criterion(scheme=scheme, evidence=EvidenceKind.NONE)
    for name, value in fields.items():
        setattr(target, name, value)
    target.code = (target.code or "").strip()
    target.name = (target.name or "").strip()
    target.indicator = (target.indicator or "").strip()
    errors: dict[str, list[str]] = {}
    if not target.code:
        errors.setdefault("code", []).append(_("Give the criterion a code."))
    elif scheme.criteria.filter(code=target.code).exclude(pk=target.pk).exists():
        errors.setdefault("code", []).append(_("Another criterion of this scheme has this code."))
    if not target.name:
        errors.setdefault("name", []).append(_("Give the criterion a name."))
    if target.evidence not in EvidenceKind.values:
        errors.setdefault("evidence", []).append(_("Choose the evidence needed."))
    if target.is_veto:
        target.points = Decimal(0)
    elif target.points is None or Decimal(target.points) <= 0:
        errors.setdefault("points", []).append(_("A criterion that is not a veto item carries more than 0 points."))
    if target.indicator and target.indicator not in INDICATORS:
        errors.setdefault("indicator", []).append(_("Unknown indicator."))
    if target.indicator and target.threshold is None:
        errors.setdefault("threshold", []).append(_("A measured criterion needs the threshold its value must reach."))
    if not target.indicator:
        target.threshold = None
    if errors:
        raise ValidationError(errors)
    if target.pk is None and "order" not in fields:
        target.order = (scheme.criteria.aggregate(o=Max("order"))["o"] or 0) + 1
    target.save()
    audit_log(actor=actor, action="assessment.scheme_criterion_saved", obj=scheme, organization=scheme.owner,
              changes={"criterion": target.code, **{k: v for k, v in fields.items() if k != "code"}})
    return target


@_editing
def criterion_delete(*, actor, scheme: Scheme, criterion: Criterion) -> None:
    if criterion.scheme_id != scheme.pk:
        raise ValidationError(_("This criterion belongs to another scheme."))
    code = criterion.code
    criterion.delete()
    audit_log(actor=actor, action="assessment.scheme_criterion_deleted", obj=scheme, organization=scheme.owner,
              changes={"criterion": code})


@_editing
def grade_save(*, actor, scheme: Scheme, grade: Grade | None = None, code: str, name: str, min_points,
               rank: int) -> Grade:
    """Add a grade to a draft or change one: its code, name, the points it needs and its rank
    (higher is better)."""
    if grade is not None and grade.scheme_id != scheme.pk:
        raise ValidationError(_("This grade belongs to another scheme."))
    code, name = (code or "").strip(), (name or "").strip()
    others = scheme.grades.exclude(pk=grade.pk if grade else None)
    errors: dict[str, list[str]] = {}
    if not code:
        errors["code"] = [_("Give the grade a code.")]
    elif others.filter(code=code).exists():
        errors["code"] = [_("Another grade of this scheme has this code.")]
    if not name:
        errors["name"] = [_("Give the grade a name.")]
    if min_points is None or Decimal(min_points) < 0:
        errors["min_points"] = [_("The points needed cannot be negative.")]
    if rank is None or int(rank) < 1:
        errors["rank"] = [_("The rank is a whole number from 1 (the lowest grade).")]
    elif others.filter(rank=rank).exists():
        errors["rank"] = [_("Another grade of this scheme has this rank.")]
    if errors:
        raise ValidationError(errors)
    target = grade or Grade(scheme=scheme)
    old_code = target.code
    target.code, target.name, target.min_points, target.rank = code, name, Decimal(min_points), int(rank)
    target.save()
    if old_code and old_code != code and scheme.veto_grade == old_code:
        scheme.veto_grade = code
        scheme.save(update_fields=["veto_grade"])
    audit_log(actor=actor, action="assessment.scheme_grade_saved", obj=scheme, organization=scheme.owner,
              changes={"grade": code, "name": name, "min_points": target.min_points, "rank": target.rank})
    return target


@_editing
def grade_delete(*, actor, scheme: Scheme, grade: Grade) -> None:
    if grade.scheme_id != scheme.pk:
        raise ValidationError(_("This grade belongs to another scheme."))
    code = grade.code
    grade.delete()
    if scheme.veto_grade == code:
        scheme.veto_grade = ""
        scheme.save(update_fields=["veto_grade"])
    audit_log(actor=actor, action="assessment.scheme_grade_deleted", obj=scheme, organization=scheme.owner,
              changes={"grade": code})


def _renumber(scheme: Scheme, *, moved: ReviewStep | None = None, position: int | None = None) -> None:
    """Number the scheme's steps 0..n-1 in their order, ``moved`` put at ``position``."""
    steps = [s for s in scheme.steps.order_by("order", "id") if moved is None or s.pk != moved.pk]
    if moved is not None:
        position = len(steps) if position is None else max(0, min(int(position), len(steps)))
        steps.insert(position, moved)
    # Two passes: the order is unique within a scheme.
    offset = 1000 + len(steps)
    for i, step in enumerate(steps):
        ReviewStep.objects.filter(pk=step.pk).update(order=offset + i)
    for i, step in enumerate(steps):
        ReviewStep.objects.filter(pk=step.pk).update(order=i)
        step.order = i


@_editing
def step_save(*, actor, scheme: Scheme, step: ReviewStep | None = None, code: str, name: str, performer: str,
              notice_days: int | None = None, order: int | None = None) -> ReviewStep:
    """Add a review step to a draft or change one; ``order`` (from 0) puts it in place, the steps
    are then numbered 0..n-1 again. A new step without an order goes last."""
    if step is not None and step.scheme_id != scheme.pk:
        raise ValidationError(_("This step belongs to another scheme."))
    code, name = (code or "").strip(), (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not code:
        errors["code"] = [_("Give the step a code.")]
    elif scheme.steps.filter(code=code).exclude(pk=step.pk if step else None).exists():
        errors["code"] = [_("Another step of this scheme has this code.")]
    if not name:
        errors["name"] = [_("Give the step a name.")]
    if performer not in Performer.values:
        errors["performer"] = [_("Choose who performs the step.")]
    if notice_days is not None and int(notice_days) < 1:
        errors["notice_days"] = [_("A public notice stays up at least one day.")]
    if errors:
        raise ValidationError(errors)
    if step is None:
        step = ReviewStep(scheme=scheme, order=10000 + scheme.steps.count())
        position = order
    else:
        position = step.order if order is None else order
    step.code, step.name, step.performer, step.notice_days = code, name, performer, notice_days
    step.save()
    _renumber(scheme, moved=step, position=position)
    audit_log(actor=actor, action="assessment.scheme_step_saved", obj=scheme, organization=scheme.owner,
              changes={"step": code, "name": name, "performer": performer, "notice_days": notice_days,
                       "order": step.order})
    return step


@_editing
def step_delete(*, actor, scheme: Scheme, step: ReviewStep) -> None:
    if step.scheme_id != scheme.pk:
        raise ValidationError(_("This step belongs to another scheme."))
    code = step.code
    step.delete()
    _renumber(scheme)
    audit_log(actor=actor, action="assessment.scheme_step_deleted", obj=scheme, organization=scheme.owner,
              changes={"step": code})


# ----- publishing and retiring ----------------------------------------------------------------

def publish_problems(scheme: Scheme) -> list[ValidationError]:
    """What keeps a draft from being published (empty when it may be), each with a code."""
    criteria = list(scheme.criteria.all())
    grades = sorted(scheme.grades.all(), key=lambda g: g.rank)
    problems = []

    def problem(code, message):
        problems.append(ValidationError(message, code=code))

    scored = [c for c in criteria if not c.is_veto]
    if not scored:
        problem("no_criteria", _("Add at least one criterion that is not a veto item."))
    for c in scored:
        if c.points is None or c.points <= 0:
            problem("no_points", _("Criterion “%(name)s” carries no points.") % {"name": c.name})
    for c in criteria:
        if c.indicator and c.indicator not in INDICATORS:
            problem("unknown_indicator",
                    _("Criterion “%(name)s” is measured by an unknown indicator.") % {"name": c.name})
        if c.indicator and c.threshold is None:
            problem("no_threshold", _("Criterion “%(name)s” is measured but has no threshold.") % {"name": c.name})
    if len(grades) < 2:
        problem("few_grades", _("Define at least two grades."))
    else:
        if len({g.rank for g in grades}) != len(grades):
            problem("same_rank", _("Each grade needs its own rank."))
        if grades[0].min_points != 0:
            problem("lowest_grade",
                    _("The lowest grade must need 0 points, so that every organization gets a grade."))
        if any(low.min_points >= high.min_points for low, high in zip(grades, grades[1:], strict=False)):
            problem("grade_order", _("A higher grade must need more points than a lower one."))
        total = sum((c.points for c in scored), Decimal(0))
        if scored and grades[-1].min_points > total:
            problem("top_grade_unreachable",
                    _("The top grade needs %(needed)s points but the criteria carry only %(total)s.")
                    % {"needed": grades[-1].min_points.normalize(), "total": total.normalize()})
    if scheme.veto_grade and scheme.veto_grade not in {g.code for g in grades}:
        problem("veto_grade", _("The grade when vetoed must be one of the scheme's grades."))
    if not scheme.steps.exists():
        problem("no_steps", _("Add at least one review step."))
    return problems


def scheme_transition(*, actor, scheme: Scheme, to: str) -> Scheme:
    """Move a scheme version along its life (draft → published → retired) by the table above."""
    if not can(actor, "change", scheme):
        raise PermissionDenied
    with transaction.atomic():
        # The status and the parts checked are those of the locked row: an edit cannot slip in between.
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        code = TRANSITIONS.get((scheme.status, to))
        if code is None:
            if scheme.status == to:
                raise ValidationError(_("The scheme is already %(status)s.") % {"status": scheme.get_status_display()},
                                      code="same_status")
            raise ValidationError(_("A scheme cannot go from %(from)s to %(to)s.")
                                  % {"from": scheme.get_status_display(), "to": SchemeStatus(to).label},
                                  code="transition")
        if to == SchemeStatus.PUBLISHED:
            problems = publish_problems(scheme)
            if problems:
                raise ValidationError(problems)
        before = scheme.status
        scheme.status = to
        fields = ["status"]
        if to == SchemeStatus.PUBLISHED:
            scheme.published_at = timezone.now()
            fields.append("published_at")
        scheme.save(update_fields=fields)
        audit_log(actor=actor, action=code, obj=scheme, organization=scheme.owner,
                  changes={"status": f"{before} → {to}"})
    return scheme


def scheme_publish(*, actor, scheme: Scheme) -> Scheme:
    """Publish a complete draft: from then on it is used by cycles and never changed."""
    return scheme_transition(actor=actor, scheme=scheme, to=SchemeStatus.PUBLISHED)


def scheme_retire(*, actor, scheme: Scheme) -> Scheme:
    """Retire a published version: no new cycle uses it; the cycles that did keep it."""
    return scheme_transition(actor=actor, scheme=scheme, to=SchemeStatus.RETIRED)
