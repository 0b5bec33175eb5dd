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
    "member.searched_by_number": _("Members looked up by a whole ID or phone number"),
    "member.imported": _("Members imported"),
    "member.exported": _("Members exported"),
    "duty_post.created": _("Duty post assigned"),
    "pledge.created": _("Pledge made"),
    "duty_post.reviewed": _("Duty reviewed"),
    "duty_post.ended": _("Duty ended"),
    "pledge.progress": _("Progress on a pledge noted"),
    "pledge.concluded": _("Verdict on a pledge given"),
    "member.status_changed": _("Member's standing changed"),
    "member.party_probation_set": _("Placed on probation within the Party"),
    "member.party_probation_cleared": _("Probation within the Party ended"),
    "member.fifty_years_exported": _("50-years-in-the-Party list exported"),
    "reserve_cadre.added": _("Reserve cadre added"),
    "reserve_cadre.trained": _("Reserve cadre training recorded"),
    "reserve_cadre.evaluated": _("Reserve cadre evaluated"),
    "reserve_cadre.appointed": _("Reserve cadre marked appointed"),
    "reserve_cadre.left": _("Reserve cadre left the pool"),
    "lost_contact.opened": _("Lost contact recorded"),
    "lost_contact.searched": _("Search for a lost-contact member recorded"),
    "lost_contact.found": _("Lost-contact member found"),
    "lost_contact.handled": _("Lost-contact case handled"),
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
    "user.logged_in": _("Logged in"),  # accounts: sign-in security
    "user.login_failed": _("Login failed"),
    "user.locked_out": _("Locked out after failed logins"),
    "user.unlocked": _("Lockout lifted"),
    "user.otp_enabled": _("Two-step verification turned on"),
    "user.otp_disabled": _("Two-step verification turned off"),
    "user.otp_failed": _("Wrong verification code"),
    "role.granted": _("Role granted"),
    "role.revoked": _("Role revoked"),
    "notice.published": _("Notice published"),
    "assignment.created": _("Assignment given"),
    "assignment.reported": _("Assignment reported done"),
    "dues.declared": _("Dues base declared"),
    "dues.collected": _("Dues collected"),
    "dues.corrected": _("Dues payment corrected"),
    "dues.exported": _("Dues ledger exported"),
    "dues_relief.requested": _("Dues relief requested"),
    "dues_relief.approved": _("Dues relief approved"),
    "dues_relief.rejected": _("Dues relief rejected"),
    "transfer.sent": _("Transfer letter issued"),
    "transfer.received": _("Transfer received"),
    "transfer.rejected": _("Transfer rejected"),
    "transfer.cancelled": _("Transfer cancelled"),
    "transfer.returned": _("Transfer return slip recorded"),
    "transfer.reissued": _("Transfer letter re-issued"),
    "transfer.received_from_outside": _("Member received from an organization elsewhere"),
    "transfer.letter_exported": _("Transfer letter downloaded"),
    "grid.created": _("Grid created"),
    "grid.updated": _("Grid updated"),
    "grid.staff_assigned": _("Grid staff assigned"),
    "grid.staff_removed": _("Grid staff removed"),
    "building.created": _("Building added"),
    "building.updated": _("Building updated"),
    "household.created": _("Household added"),
    "household.updated": _("Household updated"),
    "household.read": _("Tagged household read"),
    "household.revealed": _("Household contact revealed"),
    "household.imported": _("Households imported"),
    "grid_visit.recorded": _("Visit recorded"),
    "team.created": _("Service team created"),
    "team.updated": _("Service team updated"),
    "team_member.added": _("Team member added"),
    "team_member.updated": _("Team member updated"),
    "request_category.created": _("Request category created"),
    "request_category.updated": _("Request category updated"),
    "request.filed": _("Request filed"),
    "request.transition": _("Request step taken"),
    "request.revealed": _("Resident's contact revealed"),
    "request.attachment_added": _("Photo added to a request"),
    "request.exported": _("Requests exported"),
    "open311_client.created": _("Open311 client registered"),
    "open311_client.revoked": _("Open311 client key revoked"),
    "mobile.registered": _("Mobile member registered"),
    "mobile.returned": _("Mobile member returned"),
    "mobile.activity_recorded": _("Mobile member activity recorded"),
    "mobile.temporary_branch_created": _("Temporary branch for mobile members set up"),
    "member.hardship_changed": _("Hardship mark changed"),
    "hardship_case.opened": _("Hardship case registered"),
    "hardship_case.supported": _("Hardship support recorded"),
    "hardship_case.closed": _("Hardship case closed"),
    "hardship.exported": _("Hardship register exported"),
    "care_visit.recorded": _("Care visit recorded"),
    "calendar.day_saved": _("Calendar day set"),
    "calendar.day_deleted": _("Calendar day removed"),
    "calendar.year_imported": _("Calendar year imported"),
    "task.requeued": _("Background task run again"),
    "calendar.year_confirmed": _("Calendar year marked complete"),
    "calendar.package_loaded": _("Calendar loaded from the chinese-calendar package"),
    "applicant.created": _("Application for Party membership registered"),
    "applicant.updated": _("Applicant's data corrected"),
    "applicant.step_recorded": _("Recruitment step recorded"),
    "applicant.step_corrected": _("Date of a recruitment step corrected"),
    "applicant.contact_assigned": _("Mentor or sponsor named"),
    "applicant.contact_ended": _("Mentor or sponsor ended"),
    "applicant.document_added": _("Recruitment document kept"),
    "applicant.notice_started": _("Public notice begun"),
    "applicant.notice_closed": _("Public notice closed"),
    "applicant.probation_extended": _("Probation extended"),
    "applicant.probation_cancelled": _("Probation cancelled"),
    "applicant.stopped": _("Recruitment file stopped"),
    "applicant.resumed": _("Recruitment file resumed"),
    # Service centres (centres app)
    "service_centre.created": _("Service centre added"),
    "service_centre.changed": _("Service centre changed"),
    "service_item.created": _("Centre service added"),
    "service_item.changed": _("Centre service changed"),
    "centre_booking.made": _("Centre service booked"),
    "centre_booking.cancelled": _("Centre booking cancelled"),
    "centre_booking.attended": _("Centre booking attended"),
    "centre_booking.no_show": _("Centre booking: did not come"),
    "service_record.added": _("Centre service record added"),
    "representative_day.added": _("Representative reception day announced"),
    "representative_visit.recorded": _("Visit to a representative recorded"),
    # assessment app: surveys (满意度测评, 民主测评)
    "assessment.survey_created": _("Survey created"),
    "assessment.survey_updated": _("Survey changed"),
    "assessment.survey_question_saved": _("Survey question saved"),
    "assessment.survey_question_deleted": _("Survey question deleted"),
    "assessment.survey_question_moved": _("Survey question moved"),
    "assessment.survey_opened": _("Survey opened"),
    "assessment.survey_closed": _("Survey closed"),
    "assessment.survey_reopened": _("Survey reopened"),
    "assessment.survey_ballots_issued": _("Survey ballot codes issued"),
    "assessment.survey_exported": _("Survey results exported"),
    # wishes app: small wishes (微心愿)
    "assessment.rectification_opened": _("Rectification task opened"),
    # assessment app: schemes (brief B)
    "assessment.scheme_copied": _("Assessment scheme copied as a new version"),
    "assessment.scheme_updated": _("Assessment scheme changed"),
    "assessment.scheme_criterion_saved": _("Criterion of an assessment scheme saved"),
    "assessment.scheme_criterion_deleted": _("Criterion of an assessment scheme removed"),
    "assessment.scheme_grade_saved": _("Grade of an assessment scheme saved"),
    "assessment.scheme_grade_deleted": _("Grade of an assessment scheme removed"),
    "assessment.scheme_step_saved": _("Review step of an assessment scheme saved"),
    "assessment.scheme_step_deleted": _("Review step of an assessment scheme removed"),
    "assessment.scheme_published": _("Assessment scheme published"),
    "assessment.scheme_retired": _("Assessment scheme retired"),
    "assessment.rectification_submitted": _("Rectification submitted for checking"),
    "assessment.rectification_accepted": _("Rectification accepted and closed"),
    "assessment.rectification_returned": _("Rectification returned for more work"),
    "assessment.rectifications_exported": _("Rectification tasks exported"),
    "assessment.review_round_opened": _("Work-report review opened"),
    "assessment.review_round_closed": _("Work-report review closed"),
    "assessment.review_round_exported": _("Work-report review results exported"),
    "assessment.work_report_submitted": _("Work report submitted"),
    "assessment.work_report_rated": _("Work report rated"),
    # assessment app: cycles, results, evidence and review steps
    "assessment.cycle_opened": _("Assessment cycle opened"),
    "assessment.cycle_measured": _("Assessment cycle measured from the records"),
    "assessment.cycle_closed": _("Assessment cycle closed"),
    "assessment.result_recorded": _("Assessment result recorded"),
    "assessment.result_reviewed": _("Verdict on an assessment result given"),
    "assessment.evidence_added": _("Assessment evidence added"),
    "assessment.assessment_submitted": _("Assessment submitted to the next step"),
    "assessment.assessment_returned": _("Assessment returned"),
    "assessment.assessment_approved": _("Assessment approved"),
    "assessment.assessment_reopened": _("Assessment reopened"),
    # assessment app: cycle pages (exports)
    "assessment.cycle_exported": _("Assessment cycle results exported"),
    "wish.submitted": _("Small wish submitted"),
    "wish.published": _("Small wish published"),
    "wish.rejected": _("Small wish not accepted"),
    "wish.claimed": _("Small wish claimed"),
    "wish.fulfilled": _("Small wish fulfilled"),
    "wish.thanked": _("Thanks for a small wish"),
    "wish.released": _("Small wish returned to the board"),
    "wish.expired": _("Small wish expired"),
    # volunteers app: volunteer teams, activities, sign-ups, commendations
    "volunteer_team.created": _("Volunteer team created"),
    "volunteer.added": _("Volunteer added to a team"),
    "volunteer.commended": _("Volunteer commended"),
    "volunteer_activity.created": _("Volunteer activity planned"),
    "volunteer_activity.status_changed": _("Volunteer activity status changed"),
    "volunteer_signup.changed": _("Volunteer sign-up changed"),
    # pairings app: pairings (结对帮扶) and hardship funds (互助金)
    "pairing.created": _("Pairing started"),
    "pairing.ended": _("Pairing ended"),
    "pairing.visited": _("Pairing visit recorded"),
    "fund.created": _("Hardship fund opened"),
    "fund.income": _("Fund income recorded"),
    "fund.payment": _("Fund payment recorded"),
    "fund.exported": _("Fund ledger exported"),
    # coverage app: firms, joint organizations (the helpers add theirs below)
    "firm.created": _("Firm registered"),
    "firm.updated": _("Firm's register entry changed"),
    "firm.imported": _("Firms imported"),
    "firm.joint_formed": _("Joint branch formed for firms"),
    "firm.joint_joined": _("Firm joined a joint branch"),
    "firm.joint_left": _("Firm left a joint branch"),
    "firm.branch_formed": _("Firm's own branch formed"),
    # coverage app, themes part: weekday theme plans (主题工作法), day tasks and cadres' logs
    "theme_plan.created": _("Weekday theme plan set"),
    "theme_plan.updated": _("Weekday theme plan changed"),
    "theme_plan.ended": _("Weekday theme plan ended"),
    "theme_plan.logs_exported": _("Cadres' theme logs exported"),
    "theme_task.added": _("Theme task given for a day"),
    "theme_task.removed": _("Theme task taken back"),
    "theme_log.created": _("Theme work log written"),
    "theme_log.updated": _("Theme work log rewritten"),
    "theme_log.deleted": _("Theme work log deleted"),
    # coverage app, contacts part: instructors, liaisons, contact leaders and their logs; statistics
    "firm_assignment.created": _("Instructor, liaison or contact leader assigned to a firm"),
    "firm_assignment.ended": _("Firm assignment ended"),
    "contact_log.added": _("Contact with a firm recorded"),
    "contact_log.solved": _("Problems raised by a firm solved"),
    "coverage_stats.exported": _("Coverage statistics exported"),
    # coverage app, buildings part: office buildings, service desks, association events
    "office_building.created": _("Office building registered"),
    "office_building.updated": _("Office building changed"),
    "office_building.phone_revealed": _("Building's property phone revealed"),
    "service_desk.opened": _("Building service desk opened"),
    "service_desk.closed": _("Building service desk closed"),
    "desk_service.recorded": _("Service desk record added"),
    "desk_service.settled": _("Service desk record settled"),
    "association_event.recorded": _("Building association event recorded"),
    "firm.surveyed": _("Firm surveyed"),  # coverage app, firms part
    "firm.staff_linked": _("Person linked to a firm"),
    "firm.staff_unlinked": _("Person unlinked from a firm"),
    "firm.exported": _("Firm register exported"),
    # coverage app, affair admission (社区事务准入): procedures and requests
    "admission_procedure.copied": _("Admission procedure copied as a draft"),
    "admission_procedure.links_saved": _("Admission procedure's links changed"),
    "admission_procedure.published": _("Admission procedure published"),
    "affair.created": _("Affair admission request created"),
    "affair.updated": _("Affair admission request changed"),
    "affair.submit": _("Affair admission request submitted"),
    "affair.pass": _("Affair admission link passed"),
    "affair.return": _("Affair admission request returned"),
    "affair.admit": _("Affair admitted"),
    "affair.refuse": _("Affair refused admission"),
    "affair.withdraw": _("Affair admission request withdrawn"),
    "affair.renewed": _("Affair admission re-review opened"),
    # cobuilding app: partner units, dual registration, resources, projects, agreements, brands
    "partner_unit.registered": _("Partner unit registered"),
    "partner_unit.revealed": _("Partner unit's contact revealed"),
    "member_registration.created": _("Member registered in their home community"),
    "resource.added": _("Unit resource added"),
    "resource_booking.requested": _("Resource booking requested"),
    "resource_booking.approve": _("Resource booking approved"),
    "resource_booking.decline": _("Resource booking declined"),
    "resource_booking.use": _("Resource booking used"),
    "joint_project.created": _("Joint project created"),
    "agreement.signed": _("Co-building agreement recorded"),
    "brand.created": _("Community brand created"),
    "brand.updated": _("Community brand updated"),
    "brand.activity_added": _("Brand activity recorded"),
    # reports app: report tables (统计报表)
    "report_table.exported": _("Report table exported"),
    # reports app: inspection packs and monthly summaries
    "inspection_pack.requested": _("Inspection pack requested"),
    "inspection_pack.downloaded": _("Inspection pack downloaded"),
    "monthly_summary.sent": _("Monthly summaries sent"),
    # core: personal-data access report and retention
    "audit.exported": _("Personal-data access report exported"),
    "audit.pruned": _("Old audit entries pruned"),
    # privacy app: residents' personal-information rights
    "privacy.request_submitted": _("Personal-information request submitted"),
    "privacy.request_done": _("Personal-information request done"),
    "privacy.request_refused": _("Personal-information request refused"),
    "privacy.resident_erased": _("Resident's personal information erased"),
    "privacy.exported_own": _("Resident downloaded their own data"),
    "privacy.contacts_purged": _("Residents' contact details blanked after the retention period"),
}


# Keys of ``changes`` that are not model fields.
CHANGE_LABELS = {
    "parent": _("superior organization"),
    "into": _("into"),
    "sources": _("merged organizations"),
    "field": _("field"),
    "role": _("role"),
    "user": _("user"),
    "post": _("post"),
    "member": _("member"),
    "count": _("count"),
    "filters": _("filters"),
    "amount": _("amount"),
    "given_on": _("date given"),
    "support": _("support"),
    "years": _("years"),
    "step": _("step"),
    "done_on": _("date"),
    "applied_on": _("application date"),
    "rule_version": _("rule version"),
    "decided_on": _("decided on"),
    "months": _("months"),
    "probation_end": _("end of probation"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def _field(entry: AuditEntry, key: str):
    """The model field a change key names; None for other keys (and for reverse relations, which
    have no label of their own)."""
    # get_for_id answers from the content types cache: no query per entry of a page.
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class() if entry.content_type_id else None
    try:
        field = model._meta.get_field(key) if model is not None else None
    except FieldDoesNotExist:
        return None
    return field if field is not None and not field.auto_created else None


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
