"""Reads of the roster, its follow-ups and milestones, and the workbench items of the members app."""
import datetime

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core.rules import RuleBook, RuleMissing

from .choices import ON_ROLL, LostContactStatus
from .filters import MemberFilter
from .models import DutyPost, DutyPostReview, LostContactCase, Member, Pledge, PledgeProgress


def roster_filter(*, user, params) -> MemberFilter:
    """The roster a user sees, narrowed by the roster's filters; the page and the export share it."""
    base = Member.objects.restrict(user, "view").without_protected().select_related("organization")
    return MemberFilter(params, queryset=base, user=user)


def _in_subtree(queryset, org, field="member__organization"):
    return queryset.filter(**{f"{field}__path__startswith": org.path})


def commitments_board(*, user, organization, year: int) -> dict:
    """The 公开承诺 board of a subtree for a year: pledges with their progress notes and verdicts,
    and the duty posts held during the year with their reviews (a few queries, no N+1)."""
    pledges = (_in_subtree(Pledge.objects.restrict(user, "view"), organization).filter(year=year)
               .select_related("member", "member__organization")
               .prefetch_related(Prefetch("progress", queryset=PledgeProgress.objects.order_by("on", "id")))
               .order_by("member__organization__path", "member__name_pinyin", "id"))
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    posts = (_in_subtree(DutyPost.objects.restrict(user, "view"), organization)
             .filter(Q(started_on__lte=end), Q(ended_on__isnull=True) | Q(ended_on__gte=start))
             .select_related("member", "member__organization")
             .prefetch_related(Prefetch("reviews", queryset=DutyPostReview.objects.order_by("-reviewed_on", "-id")))
             .order_by("-is_model_post", "member__organization__path", "member__name_pinyin", "id"))
    pledges, posts = list(pledges), list(posts)
    counts = {status: sum(1 for p in pledges if p.status == status) for status in Pledge.Status.values}
    return {"pledges": pledges, "posts": posts, "counts": counts,
            "model_posts": sum(1 for p in posts if p.is_model_post)}


def lost_contact_cases(*, user, organization, status: str = "open"):
    """Lost-contact cases of a subtree (``open``: searching or suspended), with their search counts."""
    from .lost_contact import annotated

    cases = LostContactCase.objects.restrict(user, "view").filter(organization__path__startswith=organization.path)
    if status == "open":
        cases = cases.filter(status__in=[LostContactStatus.SEARCHING, LostContactStatus.SUSPENDED])
    elif status in LostContactStatus.values:
        cases = cases.filter(status=status)
    return annotated(cases).order_by("since", "id")


# Workbench -----------------------------------------------------------------------------------


def workbench_items(*, root, user, today: datetime.date) -> list[dict]:
    """What a secretary must act on in ``root``'s subtree: lost-contact searches and handling due,
    pledges waiting for the year-end verdict, this month's political birthdays (a few queries)."""
    from .lost_contact import annotated, rules_by_organization

    items: list[dict] = []
    book = RuleBook(today)
    cases = list(annotated(LostContactCase.objects.restrict(user, "change").filter(
        organization__path__startswith=root.path, status__in=[LostContactStatus.SEARCHING, LostContactStatus.SUSPENDED])))
    if cases:
        from .lost_contact import case_deadlines

        rules = rules_by_organization([c.organization for c in cases], book=book)
        deadlines = [case_deadlines(c, rules[c.organization_id], last_search=c.last_search, search_count=c.search_count,
                                    today=today) for c in cases]
        url = reverse("members:lost_contact") + f"?org={root.pk}"
        searches = [d for d in deadlines if d.search_overdue]
        if searches:
            items.append({"kind": "alert", "label": _("Search due"), "url": url, "overdue": True,
                          "when": min(d.next_search for d in searches),
                          "text": ngettext("%(n)d member who lost contact is due another search",
                                           "%(n)d members who lost contact are due another search",
                                           len(searches)) % {"n": len(searches)}})
        ready = [d for d in deadlines if d.handle_due]
        if ready:
            items.append({"kind": "alert", "label": _("Can be handled"), "url": url, "overdue": False,
                          "when": min(d.handle_from for d in ready),
                          "text": ngettext("%(n)d lost-contact case may now be handled under the rules",
                                           "%(n)d lost-contact cases may now be handled under the rules",
                                           len(ready)) % {"n": len(ready)}})
    try:
        verdict_month = int(book.get("commitments.verdict_from_month").value)
    except RuleMissing:
        verdict_month = 12
    pledges = Pledge.objects.restrict(user, "change").filter(
        member__organization__path__startswith=root.path, status=Pledge.Status.OPEN, member__status__in=ON_ROLL)
    late_year = today.year if today.month >= verdict_month else today.year - 1
    waiting = pledges.filter(year__lte=late_year).aggregate(
        n=Count("id"), overdue=Count("id", filter=Q(year__lt=late_year)))
    if waiting["n"]:
        items.append({"kind": "alert", "label": _("Verdict due"), "overdue": bool(waiting["overdue"]),
                      "url": reverse("members:commitments") + f"?org={root.pk}&year={late_year}",
                      "when": datetime.date(late_year, 12, 31),
                      "text": ngettext("%(n)d pledge waits for the year-end verdict",
                                       "%(n)d pledges wait for the year-end verdict", waiting["n"]) % {"n": waiting["n"]}})
    birthdays = Member.objects.restrict(user, "change").filter(
        organization__path__startswith=root.path, status__in=ON_ROLL, joined_on__month=today.month).count()
    if birthdays:
        items.append({"kind": "alert", "label": _("This month"), "overdue": False, "when": None,
                      "url": reverse("members:anniversaries") + f"?org={root.pk}&month={today.month}",
                      "text": ngettext("%(n)d member has the anniversary of joining the Party this month",
                                       "%(n)d members have the anniversary of joining the Party this month",
                                       birthdays) % {"n": birthdays}})
    return items
