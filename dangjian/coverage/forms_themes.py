"""Forms of the weekday themes: a plan (one theme and the standing tasks per weekday), a day task,
a cadre's log, the log filter. The services decide; these only parse."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.accounts.models import User
from dangjian.core.forms import DATE_INPUT, OrganizationChoiceField
from dangjian.organizations.models import Organization

from .choices import Weekday
from .models import ThemeTask

# The themes a new plan starts with (seed 001: 学习日、走访日、服务日、调研日、总结日); all can be changed.
DEFAULT_THEMES = {
    1: ("学习日", "集中学习政策文件\n梳理本周重点工作"),
    2: ("走访日", "入户走访重点人群\n收集居民诉求"),
    3: ("服务日", "为民代办服务\n解决走访中发现的问题"),
    4: ("调研日", "围绕难点问题开展调研\n走访辖区单位和两新组织"),
    5: ("总结日", "整理本周工作日志\n研究下周工作安排"),
}


class UserField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class ThemePlanForm(forms.Form):
    """A community's weekly plan; ``theme_N``/``tasks_N`` for each weekday N (1 Monday … 7 Sunday)."""

    organization = OrganizationChoiceField(label=_("Community"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Title"), max_length=100)
    starts_on = forms.DateField(label=_("From"), widget=DATE_INPUT, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("Until"), widget=DATE_INPUT, required=False,
                              help_text=_("Leave empty while the plan stays in force."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
        for weekday, label in Weekday.choices:
            self.fields[f"theme_{weekday}"] = forms.CharField(
                label=_("Theme of %(day)s") % {"day": label}, max_length=50, required=False,
                widget=forms.TextInput(attrs={"placeholder": _("e.g. visiting day")}))
            self.fields[f"tasks_{weekday}"] = forms.CharField(
                label=_("Standing tasks of %(day)s") % {"day": label}, required=False,
                help_text=_("One task a line."), widget=forms.Textarea(attrs={"rows": 3}))

    def weekday_rows(self):
        """(weekday label, theme field, tasks field) for the template's grid."""
        return [(label, self[f"theme_{w}"], self[f"tasks_{w}"]) for w, label in Weekday.choices]

    def head_fields(self):
        return [self[name] for name in ("organization", "title", "starts_on", "ends_on", "note") if name in self.fields]


def plan_args(data: dict) -> dict:
    """The service's keyword arguments from a plan form's cleaned data."""
    args = {k: data[k] for k in ("title", "starts_on", "ends_on", "note")}
    if "organization" in data:
        args["organization"] = data["organization"]
    args["themes"] = {w: (data.get(f"theme_{w}", ""), data.get(f"tasks_{w}", "")) for w in Weekday.values}
    return args


def plan_initial(plan=None) -> dict:
    """A plan form's initial values: the plan's, or the usual five themes for a new plan."""
    if plan is None:
        themes = DEFAULT_THEMES
        return {f"{k}_{w}": v for w, (theme, tasks) in themes.items() for k, v in (("theme", theme), ("tasks", tasks))}
    initial = {"title": plan.title, "starts_on": plan.starts_on, "ends_on": plan.ends_on, "note": plan.note}
    for t in plan.themes.all():
        initial[f"theme_{t.weekday}"], initial[f"tasks_{t.weekday}"] = t.theme, t.tasks
    return initial


class ThemeTaskForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=timezone.localdate)
    title = forms.CharField(label=_("Task"), max_length=200)
    assignee = UserField(label=_("Cadre"), queryset=User.objects.none(), required=False,
                         empty_label=_("Every cadre"))

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = cadres


class TaskChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, task):
        return task.title


class ThemeLogForm(forms.Form):
    """A cadre's log of the day: big text areas first, the day's tasks to tick."""

    done = forms.CharField(label=_("What I did"), widget=forms.Textarea(attrs={"rows": 6}))
    outcomes = forms.CharField(label=_("Outcomes"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("Problems solved, residents helped, matters to follow up."))
    tasks = TaskChoiceField(label=_("Tasks done"), queryset=ThemeTask.objects.none(), required=False,
                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = ThemeTask.objects.filter(pk__in=[t.pk for t in tasks]).order_by("id")


class LogFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE_INPUT, required=False)
    end = forms.DateField(label=_("Until"), widget=DATE_INPUT, required=False)
    author = UserField(label=_("Cadre"), queryset=User.objects.none(), required=False, empty_label=_("All cadres"))

    def __init__(self, *args, authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].queryset = authors

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date cannot be before the start date."))
        return data


class PlanEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day"), widget=DATE_INPUT, required=False,
                              help_text=_("Today unless another day is given."))
