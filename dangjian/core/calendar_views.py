"""Pages of the official working-day calendar: a year's months for everyone, and for
administrators the forms that set a day, import a year, or load the chinese-calendar package."""
import calendar as pycalendar
import datetime
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import calendar_admin
from .access import user_scope
from .forms import add_service_errors, submit
from .models import CalendarDay, CalendarYear
from .spreadsheets import XLSX_CONTENT_TYPE, ImportRejected

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Column heads of the small month calendars, Monday first (one character in Chinese: 一 二 … 日).
WEEKDAY_HEADS = [
    pgettext_lazy("calendar column", "Mon"), pgettext_lazy("calendar column", "Tue"),
    pgettext_lazy("calendar column", "Wed"), pgettext_lazy("calendar column", "Thu"),
    pgettext_lazy("calendar column", "Fri"), pgettext_lazy("calendar column", "Sat"),
    pgettext_lazy("calendar column", "Sun"),
]


def is_calendar_admin(user) -> bool:
    """System administrators (superusers and the admin role) keep the calendar."""
    return user_scope(user, "change").everything


def _require_admin(user):
    if not is_calendar_admin(user):
        raise PermissionDenied


def _year(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        return today.year
    return year if 1990 <= year <= 2100 else today.year


def year_url(year: int) -> str:
    return f"{reverse('calendar')}?year={year}"


class DayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CalendarDay.Kind.choices, help_text=gettext_lazy(
        "A holiday is a day off (weekend days inside a holiday period too); a make-up workday is a Saturday or "
        "Sunday worked instead (调休上班)."))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50, required=False,
                           help_text=gettext_lazy("The holiday it belongs to, for example 春节 or 国庆节."))


class ImportForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100, help_text=gettext_lazy(
        "Every holiday and make-up workday of this year is replaced by those of the file."))
    file = forms.FileField(label=gettext_lazy("File (.xlsx or .csv)"), widget=forms.ClearableFileInput(
        attrs={"accept": ".xlsx,.csv," + XLSX_CONTENT_TYPE + ",text/csv"}))


def _months(year: int, days: dict, today: datetime.date) -> list[dict]:
    """The twelve months as weeks of cells (Monday first), each day marked by its kind."""
    weeks_of = pycalendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in weeks_of.monthdatescalendar(year, month):
            cells = []
            for day in week:
                special = days.get(day)
                if day.month != month:
                    cells.append(None)
                    continue
                kind = special.kind if special else ("rest" if day.weekday() >= 5 else "work")
                cells.append({"date": day, "kind": kind, "name": special.name if special else "",
                              "today": day == today})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months


@login_required
@require_GET
def calendar_year(request):
    """A year of the official calendar: holidays and make-up workdays, and whether the year is loaded."""
    year, today = _year(request), timezone.localdate()
    days = {d.date: d for d in CalendarDay.objects.filter(date__year=year)}
    loaded = list(CalendarYear.objects.order_by("-year"))
    known = next((y for y in loaded if y.year == year), None)
    special = sorted(days.values(), key=lambda d: d.date)
    return render(request, "core/calendar/year.html", {
        "nav": "calendar", "year": year, "months": _months(year, days, today), "known": known, "loaded": loaded,
        "special": special, "holidays": sum(1 for d in special if d.kind == CalendarDay.Kind.HOLIDAY),
        "workdays": sum(1 for d in special if d.kind == CalendarDay.Kind.WORKDAY),
        "is_admin": is_calendar_admin(request.user), "weekdays": WEEKDAY_HEADS,
    })


@login_required
def calendar_day(request):
    """Set one day (``?date=`` picks it): a holiday or a make-up workday."""
    _require_admin(request.user)
    initial = {}
    try:
        chosen = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        chosen = None
    if chosen:
        existing = CalendarDay.objects.filter(date=chosen).first()
        initial = {"date": chosen, "kind": existing.kind if existing else
                   (CalendarDay.Kind.WORKDAY if chosen.weekday() >= 5 else CalendarDay.Kind.HOLIDAY),
                   "name": existing.name if existing else ""}
    else:
        existing = None
    form = DayForm(request.POST or None, initial=initial)
    done = submit(request, form, lambda data: calendar_admin.calendar_day_save(
        actor=request.user, day=data["date"], kind=data["kind"], name=data["name"]),
        message=lambda day: _("%(date)s is saved.") % {"date": day.date.isoformat()},
        next_url=lambda day: year_url(day.date.year))
    return done or render(request, "core/calendar/day.html", {
        "nav": "calendar", "form": form, "existing": existing,
        "back": year_url(chosen.year if chosen else timezone.localdate().year),
    })


@login_required
@require_POST
def calendar_day_delete(request):
    _require_admin(request.user)
    try:
        day = datetime.date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        messages.error(request, _("Choose a day."))
        return redirect("calendar")
    try:
        calendar_admin.calendar_day_delete(actor=request.user, day=day)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(date)s is an ordinary day again.") % {"date": day.isoformat()})
    return redirect(year_url(day.year))


@login_required
def calendar_import(request):
    """Import a year from a file (columns 日期, 类型, 名称): all rows or none, every bad row listed."""
    _require_admin(request.user)
    next_year = timezone.localdate().year + 1
    form = ImportForm(request.POST or None, request.FILES or None, initial={"year": next_year})
    rejected = None
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            count = calendar_admin.calendar_year_import(actor=request.user, year=year, upload=form.cleaned_data["file"])
        except ImportRejected as exc:
            rejected = exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, ngettext("The calendar of %(year)d is imported: %(n)d day.",
                                               "The calendar of %(year)d is imported: %(n)d days.", count)
                             % {"year": year, "n": count})
            return redirect(year_url(year))
    return render(request, "core/calendar/import.html", {
        "nav": "calendar", "form": form, "rejected": rejected, "columns": calendar_admin.CALENDAR_COLUMNS,
        "year": next_year,
    })


@login_required
@require_GET
def calendar_template(request):
    _require_admin(request.user)
    year = _year(request)
    target = io.BytesIO()
    calendar_admin.calendar_template(target, year=year)
    response = HttpResponse(target.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{year}年节假日导入模板.xlsx")
    return response


@login_required
@require_POST
def calendar_load(request):
    """Load the years the chinese-calendar package knows; with ``replace``, overwrite edited years."""
    _require_admin(request.user)
    years = calendar_admin.calendar_package_load(actor=request.user, replace=request.POST.get("replace") == "1")
    if years:
        messages.success(request, _("Loaded from the chinese-calendar package: %(years)s.")
                         % {"years": "、".join(str(y) for y in years)})
    else:
        messages.info(request, _("Every year the package knows is loaded already; nothing was changed."))
    return redirect("calendar")


@login_required
@require_POST
def calendar_year_confirm(request):
    """Mark a year entered by hand as complete."""
    _require_admin(request.user)
    try:
        year = int(request.POST.get("year", ""))
        calendar_admin.calendar_year_confirm(actor=request.user, year=year)
    except ValueError:
        return redirect("calendar")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The calendar of %(year)d is marked complete.") % {"year": year})
    return redirect(year_url(year))
