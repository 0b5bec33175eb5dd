"""The demo data: files at every stage in the first communities, built through the services."""
import time

from dangjian.recruitment.demo import build_demo
from dangjian.recruitment.models import Applicant


def test_build_demo_opens_files_at_every_stage(org):
    started = time.monotonic()
    opened = build_demo(seed=1)
    # About 2 s alone on SQLite; the bound is loose for runs beside other test workers.
    assert time.monotonic() - started < 20
    files = Applicant.objects.filter(organization__path__startswith=org["community"].path)
    assert opened >= 20 and files.exists()
    assert files.filter(member__isnull=False).exists()  # admitted: probationary members on the register
    assert files.filter(status="stopped").exists()
    last = {max(a.steps.values_list("number", flat=True)) for a in Applicant.objects.all()}
    assert {1, 2, 6, 17} <= last
