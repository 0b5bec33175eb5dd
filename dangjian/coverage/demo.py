"""The coverage work in the demo city: buildings, firms (some placed in the buildings), a joint
branch of small tenants, instructors and leader contacts, admission requests and weekday themes."""
import datetime

from django.utils import timezone

from . import demo_admission, demo_buildings, demo_contacts, demo_firms, demo_themes


def build_demo(*, seed: int = 1, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    demo_buildings.build(today=today)
    demo_firms.build(today=today)
    demo_buildings.build_joint(today=today)
    demo_contacts.build(today=today)
    demo_admission.build(today=today)
    demo_themes.build(today=today)
