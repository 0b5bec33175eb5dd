"""Schemes as data: copying into a draft, editing it, publishing with its checks, immutability, scoping."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.assessment import services_schemes as services
from dangjian.assessment.models import Scheme
from dangjian.core.models import AuditEntry

from .fixtures_schemes import shipped, street_draft


def codes(exc: ValidationError) -> set[str]:
    return {e.code for e in exc.error_list}


# ----- copying --------------------------------------------------------------------------------

def test_copy_makes_a_draft_of_the_owner_with_every_part(personas, org):
    source = shipped("community-tiers")
    copy = street_draft(personas)
    assert (copy.code, copy.version, copy.status, copy.owner) == ("community-tiers-lj01", 1, "draft", org["street"])
    assert copy.kind == source.kind and copy.veto_grade == source.veto_grade and copy.unit_kinds == ["community"]
    for part in ("criteria", "grades", "steps"):
        assert sorted(getattr(copy, part).values_list("code", flat=True)) == sorted(
            getattr(source, part).values_list("code", flat=True))
    assert list(copy.criteria.filter(code="organization_life").values_list("indicator", "threshold")) == [
        ("orglife.meeting_compliance", Decimal("0.9"))]
    assert AuditEntry.objects.filter(action="assessment.scheme_copied", object_id=str(copy.pk)).exists()
    # The shipped scheme is untouched.
    assert source.status == "published" and source.criteria.count() == 9


def test_a_new_version_keeps_the_code_for_the_same_owner(personas, org):
    first = street_draft(personas)
    again = services.scheme_copy(actor=personas["organizer"], scheme=first, owner=org["street"])
    assert (again.code, again.version) == ("community-tiers-lj01", 2)
    from_shipped = services.scheme_copy(actor=personas["organizer"], scheme=shipped("community-tiers"),
                                        owner=org["street"])
    assert (from_shipped.code, from_shipped.version) == ("community-tiers-lj01", 3)
    # A community copying the street's scheme gets its own family, without the street's suffix.
    mine = services.scheme_copy(actor=personas["community"], scheme=first, owner=org["community"])
    assert (mine.code, mine.version) == (f"community-tiers-{org['community'].code.lower()}", 1)


def test_copies_into_one_owner_wait_for_each_other(personas, org, monkeypatch):
    """Two copies into the same owner must not compute the same next version (a unique-constraint 500):
    the copy locks the owner's row before it counts the versions."""
    from django.db.models.query import QuerySet

    from dangjian.organizations.models import Organization

    locked = []
    original = QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        locked.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    services.scheme_copy(actor=personas["organizer"], scheme=shipped("community-tiers"), owner=org["street"])
    assert Organization in locked


def test_branches_do_not_define_schemes_and_nobody_defines_for_others(personas, org):
    with pytest.raises(ValidationError) as exc:
        services.scheme_copy(actor=personas["branch"], scheme=shipped("village-stars"), owner=org["branch"])
    assert "owner" in exc.value.message_dict
    with pytest.raises(PermissionDenied):  # the community's secretary is not over the street
        services.scheme_copy(actor=personas["community"], scheme=shipped("community-tiers"), owner=org["street"])
    with pytest.raises(PermissionDenied):  # the street's organizer is not over the town
        services.scheme_copy(actor=personas["organizer"], scheme=shipped("village-stars"), owner=org["town"])
    assert not Scheme.objects.filter(owner__in=[org["branch"], org["street"], org["town"]]).exists()


# ----- editing a draft ------------------------------------------------------------------------

def test_criteria_are_checked_when_saved(personas):
    draft, actor = street_draft(personas), personas["organizer"]
    with pytest.raises(ValidationError) as exc:
        services.criterion_save(actor=actor, scheme=draft, code="secretary", name="重复", points=5)
    assert "code" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.criterion_save(actor=actor, scheme=draft, code="x", name="测", points=5, indicator="nope.nothing",
                                threshold=1)
    assert "indicator" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.criterion_save(actor=actor, scheme=draft, code="x", name="测", points=5,
                                indicator="orglife.study_completion")
    assert "threshold" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.criterion_save(actor=actor, scheme=draft, code="x", name="测", points=0)
    assert "points" in exc.value.message_dict
    study = services.criterion_save(actor=actor, scheme=draft, code="study", name="学习达标", points=5,
                                    evidence="record", indicator="orglife.study_completion", threshold=Decimal("0.8"))
    assert study.order == 9 and study.measured  # after the nine copied criteria (0..8)
    veto = services.criterion_save(actor=actor, scheme=draft, code="veto", name="发生重大事故", points=5, is_veto=True)
    assert veto.points == 0
    services.criterion_save(actor=actor, scheme=draft, criterion=study, name="学习教育达标", indicator="")
    study.refresh_from_db()
    assert (study.name, study.indicator, study.threshold) == ("学习教育达标", "", None)
    services.criterion_delete(actor=actor, scheme=draft, criterion=veto)
    assert not draft.criteria.filter(code="veto").exists()


def test_grades_need_their_own_code_and_rank(personas):
    draft, actor = street_draft(personas), personas["organizer"]
    with pytest.raises(ValidationError) as exc:
        services.grade_save(actor=actor, scheme=draft, code="excellent", name="优秀", min_points=95, rank=4)
    assert "rank" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.grade_save(actor=actor, scheme=draft, code="model", name="优秀", min_points=95, rank=5)
    assert "code" in exc.value.message_dict
    basic = draft.grades.get(code="basic")
    services.grade_save(actor=actor, scheme=draft, grade=basic, code="weak", name="基础型", min_points=0, rank=1)
    draft.refresh_from_db()
    assert draft.veto_grade == "weak"  # renaming the veto grade follows it
    services.grade_delete(actor=actor, scheme=draft, grade=draft.grades.get(code="weak"))
    draft.refresh_from_db()
    assert draft.veto_grade == ""


def test_steps_are_numbered_from_zero_in_their_order(personas):
    draft, actor = street_draft(personas), personas["organizer"]
    assert list(draft.steps.values_list("code", flat=True)) == ["self", "street_opinion", "approval"]
    services.step_save(actor=actor, scheme=draft, code="notice", name="公示", performer="parent", notice_days=5,
                       order=2)
    services.step_save(actor=actor, scheme=draft, code="members", name="党员群众评议", performer="self")
    assert list(draft.steps.values_list("order", "code")) == [
        (0, "self"), (1, "street_opinion"), (2, "notice"), (3, "approval"), (4, "members")]
    first = draft.steps.get(code="self")
    services.step_save(actor=actor, scheme=draft, step=first, code="self", name="社区自评", performer="self", order=9)
    services.step_delete(actor=actor, scheme=draft, step=draft.steps.get(code="notice"))
    assert list(draft.steps.values_list("order", "code")) == [
        (0, "street_opinion"), (1, "approval"), (2, "members"), (3, "self")]
    with pytest.raises(ValidationError) as exc:
        services.step_save(actor=actor, scheme=draft, code="x", name="x", performer="nobody")
    assert "performer" in exc.value.message_dict


def test_update_checks_the_veto_grade_and_unit_kinds(personas):
    draft, actor = street_draft(personas), personas["organizer"]
    with pytest.raises(ValidationError) as exc:
        services.scheme_update(actor=actor, scheme=draft, name="新名", veto_grade="gold")
    assert "veto_grade" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.scheme_update(actor=actor, scheme=draft, name="新名", unit_kinds=["planet"])
    assert "unit_kinds" in exc.value.message_dict
    services.scheme_update(actor=actor, scheme=draft, name="江滨社区分类定级", description="街道细则",
                           unit_kinds=["community", "village"], veto_grade="standard")
    draft.refresh_from_db()
    assert (draft.name, draft.unit_kinds, draft.veto_grade) == ("江滨社区分类定级", ["community", "village"], "standard")
    assert AuditEntry.objects.filter(action="assessment.scheme_updated", object_id=str(draft.pk)).exists()


def test_only_those_over_the_owner_edit(personas):
    draft = street_draft(personas)
    for persona in ("community", "branch", "auditor", "sibling"):
        with pytest.raises(PermissionDenied):
            services.scheme_update(actor=personas[persona], scheme=draft, name="改")
    services.scheme_update(actor=personas["city"], scheme=draft, name="市里改的")


# ----- publishing -----------------------------------------------------------------------------

def test_publish_lists_every_problem_of_an_incomplete_draft(personas):
    draft, actor = street_draft(personas), personas["organizer"]
    draft.criteria.filter(is_veto=False).exclude(code__in=["secretary", "organization_life"]).delete()
    draft.criteria.filter(code="organization_life").update(threshold=None)
    draft.grades.filter(code="basic").update(min_points=10)
    Scheme.objects.filter(pk=draft.pk).update(veto_grade="gold")
    draft.steps.all().delete()
    draft.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.scheme_publish(actor=actor, scheme=draft)
    # 15 + 15 points left, the top grade needs 90.
    assert codes(exc.value) == {"no_threshold", "lowest_grade", "veto_grade", "no_steps", "top_grade_unreachable"}
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_publish_needs_two_grades_and_a_scored_criterion(personas):
    draft, actor = street_draft(personas), personas["organizer"]
    draft.criteria.all().delete()
    draft.grades.exclude(code="basic").delete()
    with pytest.raises(ValidationError) as exc:
        services.scheme_publish(actor=actor, scheme=draft)
    assert {"no_criteria", "few_grades"} <= codes(exc.value)


def test_grades_must_rise_with_rank(personas):
    draft, actor = street_draft(personas), personas["organizer"]
    draft.grades.filter(code="improved").update(min_points=95)
    with pytest.raises(ValidationError) as exc:
        services.scheme_publish(actor=actor, scheme=draft)
    assert codes(exc.value) == {"grade_order"}


def test_a_published_scheme_refuses_every_edit(personas):
    draft, actor = street_draft(personas), personas["organizer"]
    published = services.scheme_publish(actor=actor, scheme=draft)
    assert published.status == "published" and published.published_at
    assert AuditEntry.objects.filter(action="assessment.scheme_published", object_id=str(draft.pk)).exists()
    criterion, grade, step = draft.criteria.first(), draft.grades.first(), draft.steps.first()
    edits = [
        lambda: services.scheme_update(actor=actor, scheme=draft, name="改"),
        lambda: services.criterion_save(actor=actor, scheme=draft, code="new", name="新", points=1),
        lambda: services.criterion_save(actor=actor, scheme=draft, criterion=criterion, points=3),
        lambda: services.criterion_delete(actor=actor, scheme=draft, criterion=criterion),
        lambda: services.grade_save(actor=actor, scheme=draft, code="x", name="x", min_points=1, rank=9),
        lambda: services.grade_delete(actor=actor, scheme=draft, grade=grade),
        lambda: services.step_save(actor=actor, scheme=draft, code="x", name="x", performer="self"),
        lambda: services.step_delete(actor=actor, scheme=draft, step=step),
    ]
    for edit in edits:
        with pytest.raises(ValidationError) as exc:
            edit()
        assert codes(exc.value) == {"not_draft"}
    with pytest.raises(ValidationError):
        services.scheme_publish(actor=actor, scheme=draft)
    # The shipped schemes too, even for an administrator.
    with pytest.raises(ValidationError) as exc:
        services.scheme_update(actor=personas["admin"], scheme=shipped("village-stars"), name="改")
    assert codes(exc.value) == {"not_draft"}
    services.scheme_retire(actor=actor, scheme=draft)
    draft.refresh_from_db()
    assert draft.status == "retired"
    with pytest.raises(ValidationError) as exc:
        services.criterion_delete(actor=actor, scheme=draft, criterion=criterion)
    assert codes(exc.value) == {"not_draft"}


def test_edits_from_a_page_loaded_before_the_publish_are_refused(personas):
    """The edit page was loaded while the scheme was a draft; someone published it meanwhile. The status
    is read from the locked row, not from the stale object."""
    draft, actor = street_draft(personas), personas["organizer"]
    stale = Scheme.objects.get(pk=draft.pk)
    criterion, grade, step = draft.criteria.first(), draft.grades.first(), draft.steps.first()
    services.scheme_publish(actor=actor, scheme=draft)
    assert stale.status == "draft"
    edits = [
        lambda: services.scheme_update(actor=actor, scheme=stale, name="改"),
        lambda: services.criterion_save(actor=actor, scheme=stale, code="new", name="新", points=1),
        lambda: services.criterion_delete(actor=actor, scheme=stale, criterion=criterion),
        lambda: services.grade_save(actor=actor, scheme=stale, code="x", name="x", min_points=1, rank=9),
        lambda: services.grade_delete(actor=actor, scheme=stale, grade=grade),
        lambda: services.step_save(actor=actor, scheme=stale, code="x", name="x", performer="self"),
        lambda: services.step_delete(actor=actor, scheme=stale, step=step),
    ]
    for edit in edits:
        with pytest.raises(ValidationError) as exc:
            edit()
        assert codes(exc.value) == {"not_draft"}
    published = Scheme.objects.get(pk=draft.pk)
    assert published.name == draft.name and published.criteria.count() == draft.criteria.count()
    # Publishing again from the stale object does not publish twice.
    with pytest.raises(ValidationError) as exc:
        services.scheme_publish(actor=actor, scheme=stale)
    assert codes(exc.value) == {"same_status"}
    assert AuditEntry.objects.filter(action="assessment.scheme_published", object_id=str(draft.pk)).count() == 1


def test_a_draft_cannot_be_retired(personas):
    draft = street_draft(personas)
    with pytest.raises(ValidationError) as exc:
        services.scheme_retire(actor=personas["organizer"], scheme=draft)
    assert codes(exc.value) == {"transition"}


def test_the_shipped_schemes_would_pass_the_publishing_checks(db):
    for scheme in Scheme.objects.filter(owner__isnull=True):
        assert services.publish_problems(scheme) == [], scheme.code


# ----- who sees what --------------------------------------------------------------------------

def test_schemes_are_seen_from_below_and_not_across(personas, org):
    street = street_draft(personas)
    town = services.scheme_copy(actor=personas["city"], scheme=shipped("village-stars"), owner=org["town"])
    visible = {p: set(Scheme.objects.restrict(personas[p], "view").values_list("pk", flat=True))
               for p in ("branch", "sibling", "member", "community", "organizer", "auditor", "city")}
    for persona in ("branch", "sibling", "member", "community", "organizer", "auditor"):
        assert street.pk in visible[persona] and town.pk not in visible[persona], persona
        assert shipped("village-stars").pk in visible[persona]
    assert {street.pk, town.pk} <= visible["city"]
    assert not Scheme.objects.restrict(personas["grid"], "view").exists()
    changers = {p for p in ("admin", "city", "organizer", "community", "branch", "auditor")
                if Scheme.objects.restrict(personas[p], "change").filter(pk=street.pk).exists()}
    assert changers == {"admin", "city", "organizer"}
