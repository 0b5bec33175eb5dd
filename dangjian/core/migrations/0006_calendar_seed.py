"""Seed the official calendar (holidays and 调休 make-up workdays) from the chinese-calendar package."""
from django.db import migrations


def seed(apps, schema_editor):
    from dangjian.core.workdays import package_calendar

    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarYear = apps.get_model("core", "CalendarYear")
    for year, days in package_calendar().items():
        if CalendarYear.objects.filter(year=year).exists():
            continue
        CalendarDay.objects.bulk_create([CalendarDay(date=d, kind=k, name=n) for d, k, n in days])
        CalendarYear.objects.create(year=year, source="chinese-calendar")


class Migration(migrations.Migration):
    dependencies = [("core", "0005_calendar")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
