"""Background tasks of the assessment work."""
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from dangjian.core.background import background


@background(label=_("Measure an assessment cycle"), attempts=3)
@task()
def measure_cycle_task(cycle_id: int) -> int:
    """Measure the measured criteria of a cycle (opened over many organizations, or re-measured)."""
    from .choices import CycleStatus
    from .models import Cycle
    from .services_cycles import cycle_measure

    cycle = Cycle.objects.select_related("scheme", "organization").filter(pk=cycle_id).first()
    if cycle is None or cycle.status != CycleStatus.OPEN:
        return 0
    return cycle_measure(actor=None, cycle=cycle)
