"""Sample requests for the authorization matrix (tests/test_authorization_matrix.py)."""
from django.core.files.base import ContentFile

from dangjian.grid.choices import Channel
from dangjian.grid.models import Building, Grid, RequestAttachment, RequestCategory
from dangjian.grid.workflow import request_file, request_transition


def matrix_samples(personas):
    """A request filed by the grid worker in their grid and dispatched to the 滨河 team, its
    photo, and a request the resident filed."""
    grid = Grid.objects.get(name="滨河社区第1网格")
    building = Building.objects.filter(grid=grid).order_by("pk").first()
    category = RequestCategory.objects.get(code="environment")
    staff = request_file(actor=personas["grid"], channel=Channel.GRID_WORKER, category=category,
                         description="楼道堆物", building=building)
    for action in ("accept", "register", "dispatch"):
        request_transition(request=staff, action=action, actor=personas["community"])
    own = request_file(actor=personas["resident"], channel=Channel.RESIDENT, category=category,
                       description="路灯坏了", building=building)
    photo = RequestAttachment.objects.create(request=staff, file=ContentFile(b"photo", name="matrix.jpg"))
    return {"service_request": staff, "own_request": own, "request_attachment": photo}
