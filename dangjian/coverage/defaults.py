"""The shipped admission procedure: loaded from the coverage rule pack as a published version."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from dangjian.core.rules import RULES_DIR, load_pack_file

from .choices import ProcedureStatus
from .models import AdmissionLink, AdmissionProcedure

PACK_FILE = "coverage-2013.toml"


def procedure_from_definition(header: dict, links: list[dict], *, organization=None, version: int = 1,
                              status: str = ProcedureStatus.PUBLISHED) -> AdmissionProcedure:
    """One procedure version with its links, from the shape of the rule pack's entries."""
    with transaction.atomic():
        procedure = AdmissionProcedure.objects.create(
            organization=organization, code=header["code"], version=version, name=header["name"],
            basis=header.get("basis", ""), status=status,
            published_at=timezone.now() if status == ProcedureStatus.PUBLISHED else None)
        AdmissionLink.objects.bulk_create(
            AdmissionLink(procedure=procedure, position=i, step=link["step"], step_name=link["step_name"],
                          name=link["name"], kind=link.get("kind", "check"), days=link.get("days"),
                          guidance=link.get("guidance", "")) for i, link in enumerate(links, start=1))
    return procedure


def load_default_procedure(*args, **kwargs):
    """Create the shipped procedure if it is not in the database yet (idempotent)."""
    path = RULES_DIR / PACK_FILE
    if not path.exists():
        return
    data = load_pack_file(path)
    header = data["admission"]
    if not AdmissionProcedure.objects.filter(code=header["code"], organization__isnull=True).exists():
        procedure_from_definition(header, data["admission_links"])
