"""Writes of surveys (满意度测评, 民主测评): building a questionnaire, opening and closing it, issuing
one-time ballot codes, and answering.

One answer per person is kept by the database: ``Participation`` is unique per survey and
account, and per ballot code, and an answer is written in one transaction with its
participation, so a second (or concurrent) attempt leaves nothing behind. An anonymous survey
stores its responses without a respondent; answering writes no audit entry, since an entry
naming the respondent beside the response would undo the anonymity (the participation is the
record that someone took part).
"""
from __future__ import annotations

import datetime
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.access import can, covers, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.validators import clean_plain_text

from .choices import QuestionKind, SurveyAccess, SurveyAudience, SurveyPurpose, SurveyStatus
from .models import Answer, Ballot, Option, Participation, Question, Response, Survey

S = SurveyStatus
MAX_BALLOTS = 2000
MAX_QUESTIONS = 100
MAX_OPTIONS = 30
MAX_TEXT_ANSWER = 1000
CODE_LENGTH = 8
# No 0/O, 1/I/L: codes are read off paper and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# Wrong ballot codes one address may try in a window (see ``check_code_rate``).
DEFAULT_CODE_RATE = (10, 3600)
ELIGIBLE_MEMBER_STATUSES = ("probationary", "full")
RESIDENTS_BY_BALLOT = gettext_lazy("A survey of residents is answered with ballot codes handed to households.")


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]
    target: str
    audit: str


# The transition table: action → (statuses it starts from, status it leads to, audit code).
TRANSITIONS: dict[str, Step] = {
    "open": Step((S.DRAFT,), S.OPEN, "assessment.survey_opened"),
    "close": Step((S.OPEN,), S.CLOSED, "assessment.survey_closed"),
    "reopen": Step((S.CLOSED,), S.OPEN, "assessment.survey_reopened"),
}


# ---- building ---------------------------------------------------------------------------------

def _check_dates(opens_on, closes_on) -> None:
    if opens_on is None:
        raise ValidationError({"opens_on": _("Enter a date.")})
    if closes_on is None:
        raise ValidationError({"closes_on": _("Enter a date.")})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The survey cannot close before it opens.")})
    if (closes_on - opens_on).days > 366:
        raise ValidationError({"closes_on": _("A survey runs for at most a year.")})


def _clean_survey(*, title, description, purpose, audience, access, opens_on, closes_on) -> dict:
    if purpose not in SurveyPurpose.values:
        raise ValidationError({"purpose": _("Choose a purpose.")})
    if audience not in SurveyAudience.values:
        raise ValidationError({"audience": _("Choose who answers.")})
    if access not in SurveyAccess.values:
        raise ValidationError({"access": _("Choose how respondents answer.")})
    if audience == SurveyAudience.RESIDENTS and access != SurveyAccess.BALLOT:
        # Residents have no account tying an answer to a household: one ballot code per household does.
        raise _field_error("access", str(RESIDENTS_BY_BALLOT), "residents_by_ballot")
    _check_dates(opens_on, closes_on)
    return {"title": clean_plain_text(title, "title", 100, required=True),
            "description": clean_plain_text(description, "description", 2000),
            "purpose": purpose, "audience": audience, "access": access, "opens_on": opens_on, "closes_on": closes_on}


def survey_create(*, actor, organization, title: str, description: str = "", purpose: str, audience: str,
                  access: str = SurveyAccess.ACCOUNT, anonymous: bool = True, opens_on: datetime.date,
                  closes_on: datetime.date) -> Survey:
    """A draft survey run by ``organization`` (the actor may add there); its link key is random."""
    if not covers(user_scope(actor, "add"), organization):
        raise PermissionDenied
    data = _clean_survey(title=title, description=description, purpose=purpose, audience=audience, access=access,
                         opens_on=opens_on, closes_on=closes_on)
    with transaction.atomic():
        survey = Survey.objects.create(organization=organization, anonymous=bool(anonymous),
                                       key=secrets.token_urlsafe(12), created_by=actor, **data)
        audit_log(actor=actor, action="assessment.survey_created", obj=survey, organization=organization,
                  changes={"purpose": purpose, "audience": audience, "access": access, "anonymous": bool(anonymous)})
    return survey


def _editable(actor, survey: Survey) -> Survey:
    """The survey locked for a change of its draft: 403 for those who may not change it."""
    if not can(actor, "change", survey):
        raise PermissionDenied
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if locked.status != S.DRAFT:
        raise ValidationError(_("Only a draft survey can be changed; this one is “%(status)s”.")
                              % {"status": locked.get_status_display()}, code="not_draft")
    return locked


def survey_update(*, actor, survey: Survey, title: str, description: str = "", purpose: str, audience: str,
                  access: str, anonymous: bool, opens_on: datetime.date, closes_on: datetime.date) -> Survey:
    """Change a draft survey's details."""
    data = _clean_survey(title=title, description=description, purpose=purpose, audience=audience, access=access,
                         opens_on=opens_on, closes_on=closes_on)
    data["anonymous"] = bool(anonymous)
    with transaction.atomic():
        locked = _editable(actor, survey)
        changes = {k: [getattr(locked, k), v] for k, v in data.items() if getattr(locked, k) != v}
        if locked.ballots.exists() and data["access"] != SurveyAccess.BALLOT:
            raise ValidationError({"access": _("Ballot codes were issued for this survey; it stays a ballot survey.")})
        for field, value in data.items():
            setattr(locked, field, value)
        locked.save(update_fields=list(data))
        audit_log(actor=actor, action="assessment.survey_updated", obj=locked, organization=locked.organization,
                  changes=changes)
    return locked


def _clean_question(kind, text, scale, options) -> tuple[str, int, list[str]]:
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": _("Choose the kind of question.")})
    text = clean_plain_text(text, "text", 300, required=True)
    cleaned: list[str] = []
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        for raw in options or []:
            option = clean_plain_text(raw, "options", 200)
            if option and option not in cleaned:
                cleaned.append(option)
        if len(cleaned) < 2:
            raise _field_error("options", _("Give at least two different options."), "options")
        if len(cleaned) > MAX_OPTIONS:
            raise ValidationError({"options": _("At most %(n)d options.") % {"n": MAX_OPTIONS}})
    if kind == QuestionKind.RATING:
        if scale is None or not 2 <= int(scale) <= 10:
            raise _field_error("scale", _("A rating runs from 1 to between 2 and 10."), "scale")
        scale = int(scale)
    else:
        scale = 5
    return text, scale, cleaned


def question_save(*, actor, survey: Survey, question: Question | None = None, kind: str, text: str,
                  required: bool = True, scale: int | None = 5, options: list[str] | None = None) -> Question:
    """Add a question to a draft survey, or change one (its options are replaced)."""
    text, scale, cleaned = _clean_question(kind, text, scale, options)
    with transaction.atomic():
        locked = _editable(actor, survey)
        if question is None:
            if locked.questions.count() >= MAX_QUESTIONS:
                raise ValidationError(_("A survey has at most %(n)d questions.") % {"n": MAX_QUESTIONS})
            order = (locked.questions.aggregate(m=Max("order"))["m"] or 0) + 1
            question = Question.objects.create(survey=locked, order=order, kind=kind, text=text,
                                               required=bool(required), scale=scale)
            verb = "added"
        else:
            if question.survey_id != locked.pk:
                raise ValidationError(_("The question is not part of this survey."))
            question.kind, question.text, question.required, question.scale = kind, text, bool(required), scale
            question.save(update_fields=["kind", "text", "required", "scale"])
            question.options.all().delete()
            verb = "changed"
        Option.objects.bulk_create([Option(question=question, order=i, text=t) for i, t in enumerate(cleaned, 1)])
        audit_log(actor=actor, action="assessment.survey_question_saved", obj=locked, organization=locked.organization,
                  changes={"question": question.pk, "kind": kind, "options": len(cleaned)}, note=verb)
    return question


def question_delete(*, actor, question: Question) -> None:
    with transaction.atomic():
        locked = _editable(actor, question.survey)
        audit_log(actor=actor, action="assessment.survey_question_deleted", obj=locked,
                  organization=locked.organization, changes={"question": question.pk}, note=question.text)
        question.delete()
        _renumber(locked)


def _renumber(survey: Survey) -> list[Question]:
    questions = list(survey.questions.order_by("order", "id"))
    for index, q in enumerate(questions, 1):
        q.order = index
    Question.objects.bulk_update(questions, ["order"])
    return questions


def question_move(*, actor, question: Question, direction: str) -> Question:
    """Move a question one place ``up`` or ``down`` in its draft survey."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Unknown direction."))
    with transaction.atomic():
        locked = _editable(actor, question.survey)
        questions = _renumber(locked)
        index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(questions):
            a, b = questions[index], questions[other]
            a.order, b.order = b.order, a.order
            Question.objects.bulk_update([a, b], ["order"])
            audit_log(actor=actor, action="assessment.survey_question_moved", obj=locked,
                      organization=locked.organization, changes={"question": question.pk, "direction": direction})
    question.refresh_from_db()
    return question


# ---- opening and closing ----------------------------------------------------------------------

def survey_transition(*, actor, survey: Survey, action: str) -> Survey:
    """Open a draft (it needs a question and must not have closed already), close an open survey,
    or reopen a closed one while its closing day has not passed (see ``TRANSITIONS``)."""
    step = TRANSITIONS.get(action)
    if step is None:
        raise ValidationError(_("Unknown step."))
    if not can(actor, "transition", survey):
        raise PermissionDenied
    today = timezone.localdate()
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.status not in step.sources:
            raise ValidationError(_("This survey is now “%(status)s”; the step cannot be taken.")
                                  % {"status": locked.get_status_display()}, code="status")
        if action in ("open", "reopen") and locked.closes_on < today:
            raise ValidationError(_("The closing day has passed; change it before opening the survey."),
                                  code="closes_on")
        if action == "open" and not locked.questions.exists():
            raise ValidationError(_("Add at least one question before opening the survey."), code="no_questions")
        previous, locked.status = locked.status, step.target
        locked.save(update_fields=["status"])
        audit_log(actor=actor, action=step.audit, obj=locked, organization=locked.organization,
                  changes={"status": [previous, step.target]})
    return locked


def is_answerable(survey: Survey, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return survey.status == S.OPEN and survey.opens_on <= today <= survey.closes_on


# ---- ballot codes -----------------------------------------------------------------------------

def normalize_code(code: str | None) -> str:
    """A typed code as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())[:16]


def _new_codes(count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        wanted = count - len(codes)
        fresh = {"".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH)) for _j in range(wanted)}
        taken = set(Ballot.objects.filter(code__in=fresh).values_list("code", flat=True))
        codes |= fresh - taken
    return sorted(codes)[:count]


def ballots_issue(*, actor, survey: Survey, count: int | None = None, labels: list[str] | None = None) -> list[Ballot]:
    """Issue one-time codes for a ballot survey: ``count`` unlabelled ones, or one per label (a
    building and room, never a name). At most 2000 in one go; not after the survey closed."""
    if not can(actor, "change", survey):
        raise PermissionDenied
    if survey.access != SurveyAccess.BALLOT:
        raise ValidationError(_("This survey is answered by signed-in users; it has no ballot codes."), code="access")
    if survey.status == S.CLOSED:
        raise ValidationError(_("The survey has closed."), code="closed")
    cleaned = [clean_plain_text(label, "labels", 100) for label in (labels or [])]
    cleaned = [label for label in cleaned if label]
    number = len(cleaned) if cleaned else int(count or 0)
    if number < 1:
        raise ValidationError({"count": _("Issue at least one code.")})
    if number > MAX_BALLOTS:
        raise _field_error("count", _("At most %(n)d codes at a time.") % {"n": MAX_BALLOTS}, "too_many")
    with transaction.atomic():
        codes = _new_codes(number)
        ballots = Ballot.objects.bulk_create([
            Ballot(survey=survey, code=code, label=cleaned[i] if cleaned else "") for i, code in enumerate(codes)])
        audit_log(actor=actor, action="assessment.survey_ballots_issued", obj=survey, organization=survey.organization,
                  changes={"count": number, "labelled": bool(cleaned)})
    return ballots


def _rate() -> tuple[int, int]:
    return getattr(settings, "SURVEY_CODE_RATE", DEFAULT_CODE_RATE)


def code_attempts_left(address: str) -> bool:
    """Whether ``address`` may still try a ballot code (wrong codes are counted, right ones not)."""
    limit, period = _rate()
    return (cache.get(f"survey-code:{address}:{int(time.time() // period)}") or 0) < limit


def note_wrong_code(address: str) -> None:
    limit, period = _rate()
    bucket = f"survey-code:{address}:{int(time.time() // period)}"
    cache.add(bucket, 0, timeout=period + 1)
    try:
        cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=period + 1)


# ---- answering --------------------------------------------------------------------------------

def _member_org_path(user) -> str | None:
    from dangjian.members.models import Member

    return (Member.objects.filter(user=user, status__in=ELIGIBLE_MEMBER_STATUSES)
            .values_list("organization__path", flat=True).first())


def check_eligible(survey: Survey, user) -> None:
    """Raise unless ``user`` belongs to an account survey's audience (codes are checked on answering)."""
    if survey.audience == SurveyAudience.RESIDENTS:  # older data only: residents answer with ballot codes
        raise ValidationError(str(RESIDENTS_BY_BALLOT), code="not_eligible")
    if not getattr(user, "is_authenticated", False):
        raise ValidationError(_("Please log in to answer this survey."), code="login")
    if survey.audience == SurveyAudience.MEMBERS:
        path = _member_org_path(user)
        if path is None or not path.startswith(survey.organization.path):
            raise ValidationError(_("This survey is for the Party members of %(org)s.")
                                  % {"org": survey.organization.display_name}, code="not_eligible")


def check_open(survey: Survey, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if survey.status == S.DRAFT or (survey.status == S.OPEN and today < survey.opens_on):
        raise ValidationError(_("This survey has not opened yet. It opens on %(date)s.")
                              % {"date": survey.opens_on.strftime("%Y-%m-%d")}, code="not_open")
    if survey.status == S.CLOSED or today > survey.closes_on:
        raise ValidationError(_("This survey has ended."), code="closed")


def already_answered(survey: Survey, user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and Participation.objects.filter(
        survey=survey, user=user).exists()


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def check_code(survey: Survey, code: str) -> Ballot:
    """The unused ballot of ``survey`` with ``code`` (normalized), or a ValidationError on ``code``
    with the code ``bad_code`` (wrong: counted against the address) or ``used_code``."""
    ballot = Ballot.objects.filter(survey=survey, code=normalize_code(code)).first() if code else None
    if ballot is None:
        raise _field_error("code", _("This code is not valid for this survey."), "bad_code")
    if ballot.used_on is not None:
        raise _field_error("code", _("This code has already been used."), "used_code")
    return ballot


def error_codes(exc: ValidationError) -> set[str]:
    """The codes of a ValidationError's messages, wherever they sit."""
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def _as_int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, list | tuple | set) and not [v for v in value if str(v).strip()])


def clean_answers(survey: Survey, answers: dict) -> list[Answer]:
    """Unsaved answers for ``answers`` ({question id: value}); every problem at once, keyed ``q<id>``."""
    questions = list(survey.questions.prefetch_related("options"))
    answers = {_as_int(k): v for k, v in (answers or {}).items()}
    errors: dict[str, list] = {}
    made: list[Answer] = []
    for q in questions:
        value = answers.get(q.pk)
        key = f"q{q.pk}"
        if _blank(value):
            if q.required:
                errors[key] = [ValidationError(_("Please answer this question."), code="required")]
            continue
        options = {o.pk: o for o in q.options.all()}
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            values = value if isinstance(value, list | tuple | set) else [value]
            if q.kind == QuestionKind.SINGLE and len(values) != 1:
                errors[key] = [ValidationError(_("Choose one option."), code="option")]
                continue
            chosen = [_as_int(v) for v in values if str(v).strip()]
            if any(c not in options for c in chosen):
                errors[key] = [ValidationError(_("Choose one of the options shown."), code="option")]
                continue
            made += [Answer(question=q, option=options[c]) for c in dict.fromkeys(chosen)]
        elif q.kind == QuestionKind.RATING:
            rating = _as_int(value)
            if rating is None or not 1 <= rating <= q.scale:
                errors[key] = [ValidationError(_("Give a rating from 1 to %(n)d.") % {"n": q.scale}, code="rating")]
                continue
            made.append(Answer(question=q, rating=rating))
        else:
            try:
                text = clean_plain_text(str(value), key, MAX_TEXT_ANSWER)
            except ValidationError as exc:
                errors[key] = [ValidationError(m, code="text") for m in exc.messages]
                continue
            if text:
                made.append(Answer(question=q, text=text))
            elif q.required:
                errors[key] = [ValidationError(_("Please answer this question."), code="required")]
    if errors:
        raise ValidationError(errors)
    if not made:
        raise ValidationError(_("Please answer at least one question."), code="empty")
    return made


def survey_answer(*, survey: Survey, answers: dict, user=None, ballot_code: str | None = None) -> Response:
    """Record one person's answers, all or nothing.

    Signed-in surveys: ``user`` must be logged in (and a Party member under the survey's
    organization for a members survey); ballot surveys: ``ballot_code`` must be an unused code of
    this survey. A second answer by the same account or code is refused, even when both arrive at
    once, and so is an answer arriving as the survey closes: the survey row is locked and checked
    again inside the transaction. An anonymous survey's response names nobody."""
    today = timezone.localdate()
    check_open(survey, today)  # early, plain refusals; checked again on the locked row below
    ballot_code = normalize_code(ballot_code)
    if survey.access == SurveyAccess.ACCOUNT:
        check_eligible(survey, user)
        if already_answered(survey, user):
            raise ValidationError(_("You have already taken part in this survey."), code="answered")
    elif not ballot_code:
        raise _field_error("code", _("Enter the code printed on your ballot."), "code")
    else:
        check_code(survey, ballot_code)
    made = clean_answers(survey, answers)
    named = None if survey.anonymous or survey.access == SurveyAccess.BALLOT else user
    try:
        with transaction.atomic():
            # Closing takes the same lock (``survey_transition``): no answer slips in after the close.
            locked = Survey.objects.select_for_update().only("id", "status", "opens_on", "closes_on").get(
                pk=survey.pk)
            check_open(locked, today)
            if survey.access == SurveyAccess.BALLOT:
                ballot = Ballot.objects.select_for_update().filter(survey=survey, code=ballot_code).first()
                if ballot is None:
                    raise _field_error("code", _("This code is not valid for this survey."), "bad_code")
                if ballot.used_on is not None:
                    raise _field_error("code", _("This code has already been used."), "used_code")
                ballot.used_on = today
                ballot.save(update_fields=["used_on"])
                Participation.objects.create(survey=survey, ballot=ballot)
            else:
                Participation.objects.create(survey=survey, user=user)
            response = Response.objects.create(survey=survey, respondent=named)
            for answer in made:
                answer.response = response
            Answer.objects.bulk_create(made)
    except IntegrityError:
        if survey.access == SurveyAccess.BALLOT:
            raise _field_error("code", _("This code has already been used."), "used_code") from None
        raise ValidationError(_("You have already taken part in this survey."), code="answered") from None
    return response


def survey_exported(*, actor, survey: Survey, what: str = "xlsx") -> None:
    """Audit a download of a survey's results."""
    if not can(actor, "export", survey):
        raise PermissionDenied
    audit_log(actor=actor, action="assessment.survey_exported", obj=survey, organization=survey.organization,
              changes={"format": what})
