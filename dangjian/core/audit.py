"""The one way to write the audit log, and the one place that names its action codes."""
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

# Dotted action codes, rendered to readable text here and nowhere else.
ACTION_LABELS = {
    "organization.created": _("Organization created"),
    "organization.updated": _("Organization updated"),
    "organization.renamed": _("Organization renamed"),
    "organization.moved": _("Organization moved"),
    "organization.merged": _("Organization merged"),
    "organization.merged_into": _("Organizations merged into this one"),
    "organization.split": _("Organization split"),
    "organization.dissolved": _("Organization dissolved"),
    "organization.imported": _("Organizations imported"),
    "post.appointed": _("Leadership post filled"),
    "post.ended": _("Leadership post ended"),
    "member.created": _("Member added"),
    "member.updated": _("Member updated"),
    "member.moved": _("Member moved to another organization"),
    "member.revealed": _("Personal data revealed"),
    "member.imported": _("Members imported"),
    "member.exported": _("Members exported"),
    "duty_post.created": _("Duty post assigned"),
    "pledge.created": _("Pledge made"),
    "meeting.planned": _("Meeting planned"),
    "meeting.recorded": _("Meeting recorded"),
    "meeting.cancelled": _("Meeting cancelled"),
    "meeting.signed_in": _("Signed in at a meeting"),
    "meeting.exported": _("Meeting record downloaded"),
    "meeting.attached": _("Files attached to a meeting"),
    "orglife.reminded": _("Reminded of meetings still to hold"),
    "election.step": _("Election step"),
    "appraisal.opened": _("Member appraisal opened"),
    "appraisal.self_review": _("Self-review handed in"),
    "appraisal.recorded": _("Appraisal votes and grades recorded"),
    "appraisal.closed": _("Member appraisal concluded"),
    "course.published": _("Course published"),
    "course.finished": _("Course finished"),
    "study_note.submitted": _("Study note submitted"),
    "study_note.reviewed": _("Study note reviewed"),
    "study.home_delivery": _("Study brought home recorded"),
    "ledger.exported": _("Meeting ledger downloaded"),
    "study.exported": _("Study hours exported"),
    "user.password_reset": _("Password reset"),
    "role.granted": _("Role granted"),
    "role.revoked": _("Role revoked"),
    "notice.published": _("Notice published"),
    "assignment.created": _("Assignment given"),
    "assignment.reported": _("Assignment reported done"),
}


# Keys of ``changes`` that are not model fields.
CHANGE_LABELS = {
    "parent": _("superior organization"),
    "into": _("into"),
    "sources": _("merged organizations"),
    "field": _("field"),
    "role": _("role"),
    "post": _("post"),
    "member": _("member"),
    "count": _("count"),
    "filters": _("filters"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def _field(entry: AuditEntry, key: str):
    model = entry.content_type.model_class() if entry.content_type_id else None
    try:
        return model._meta.get_field(key) if model is not None else None
    except FieldDoesNotExist:
        return None


def _readable(field, value):
    if field is not None and field.choices and value is not None:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "—" if value in (None, "") else str(value)


def change_rows(entry: AuditEntry) -> list[dict]:
    """An entry's changes as readable rows: the field's name, and old → new or a single value."""
    rows = []
    for key, value in entry.changes.items():
        field = _field(entry, key)
        label = str(field.verbose_name) if field is not None else str(CHANGE_LABELS.get(key, key))
        if isinstance(value, list) and len(value) == 2 and key not in ("sources", "into"):
            rows.append({"label": label, "old": _readable(field, value[0]), "new": _readable(field, value[1])})
        else:
            rows.append({"label": label, "value": _readable(field, value)})
    return rows


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def diff(before: dict, after: dict) -> dict:
    """The fields whose value changed, as {field: [old, new]} in plain JSON."""
    return {k: [_plain(before.get(k)), _plain(v)] for k, v in after.items() if before.get(k) != v}


def audit_log(*, actor, action: str, obj=None, organization=None, changes: dict | None = None,
              note: str = "") -> AuditEntry:
    """Record one audited event. Call inside the service's transaction."""
    if action not in ACTION_LABELS:
        raise ValueError(f"Unknown audit action {action!r}")
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if getattr(actor, "pk", None) else "",
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        organization=organization,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        note=note[:500],
    )


def history_for(obj):
    """Audit entries about one object, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")
