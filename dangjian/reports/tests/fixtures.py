"""Sample records of the reports app for the authorization matrix (tests/test_authorization_matrix.py)."""
import datetime
import io
import zipfile

from django.core.files.base import ContentFile

from dangjian.core.models import Export
from dangjian.organizations.models import Organization
from dangjian.reports.models import MonthlySummary


def matrix_samples(personas):
    """An inspection pack the ``branch`` persona asked for (ready), and the monthly summary of 滨河社区党委."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "matrix")
    pack = Export.objects.create(requested_by=personas["branch"], kind=Export.Kind.INSPECTION_PACK,
                                 params={"org": Organization.objects.get(name="滨河社区第一党支部").pk},
                                 status=Export.Status.DONE, progress=100)
    pack.file.save("matrix-pack.zip", ContentFile(buffer.getvalue()), save=True)
    summary = MonthlySummary.objects.create(organization=Organization.objects.get(name="滨河社区党委"),
                                            month=datetime.date(2026, 10, 1), figures={})
    return {"pack": pack, "monthly_summary": summary}
