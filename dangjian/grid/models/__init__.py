"""Grid management and team service (网格化管理、组团式服务)."""
from .grids import Building, Grid, GridVisit, Household, decode_tags, encode_tags
from .requests import (
    Open311Client,
    RequestAttachment,
    RequestRating,
    RequestTransition,
    ServiceRequest,
    Supervision,
)
from .scope import GridQuerySet, GridScope, grid_scope
from .teams import RequestCategory, ServiceTeam, TeamMember

__all__ = [
    "Building", "Grid", "GridQuerySet", "GridScope", "GridVisit", "Household", "Open311Client", "RequestAttachment",
    "RequestCategory", "RequestRating", "RequestTransition", "ServiceRequest", "ServiceTeam", "Supervision",
    "TeamMember", "decode_tags", "encode_tags", "grid_scope",
]
