from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _calendar_changed(sender, year, **kwargs):
    """Requests keep computed deadlines: recompute those that depend on the changed year."""
    import logging

    from .tasks import recompute_deadlines_task

    try:
        recompute_deadlines_task.enqueue(year)
    except Exception:
        logging.getLogger(__name__).exception("Could not queue the deadline recomputation for %s", year)


class GridConfig(AppConfig):
    name = "dangjian.grid"
    label = "grid"
    verbose_name = _("Grid management")

    def ready(self):
        from dangjian.core.workdays import calendar_changed

        calendar_changed.connect(_calendar_changed, dispatch_uid="grid.recompute_deadlines")
