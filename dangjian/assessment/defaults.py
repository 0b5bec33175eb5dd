"""The shipped schemes: loaded from the assessment rule pack into published scheme versions."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dangjian.core.rules import RULES_DIR, load_pack_file

from .choices import SchemeStatus
from .models import Criterion, Grade, ReviewStep, Scheme

PACK_FILE = "assessment-2012.toml"


def scheme_from_definition(definition: dict, *, source: str = "", owner=None, created_by=None,
                           status: str = SchemeStatus.PUBLISHED) -> Scheme:
    """Create one scheme version with its grades, steps and criteria from a plain definition
    (the shape of a ``[[schemes]]`` entry of the rule pack)."""
    with transaction.atomic():
        scheme = Scheme.objects.create(
            code=definition["code"], version=definition.get("version", 1), kind=definition["kind"],
            name=definition["name"], description=definition.get("description", ""), owner=owner,
            unit_kinds=list(definition.get("unit_kinds", [])), veto_grade=definition.get("veto_grade", ""),
            source=source, status=status, created_by=created_by,
            published_at=timezone.now() if status == SchemeStatus.PUBLISHED else None,
        )
        Grade.objects.bulk_create(
            Grade(scheme=scheme, code=g["code"], name=g["name"], min_points=Decimal(str(g["min_points"])),
                  rank=g["rank"]) for g in definition["grades"])
        ReviewStep.objects.bulk_create(
            ReviewStep(scheme=scheme, order=i, code=s["code"], name=s["name"], performer=s["performer"],
                       notice_days=s.get("notice_days")) for i, s in enumerate(definition["steps"]))
        Criterion.objects.bulk_create(
            Criterion(scheme=scheme, order=i, code=c["code"], name=c["name"], description=c.get("description", ""),
                      points=Decimal(str(c.get("points", 0 if c.get("is_veto") else 1))),
                      evidence=c.get("evidence", "none"), indicator=c.get("indicator", ""),
                      threshold=Decimal(str(c["threshold"])) if "threshold" in c else None,
                      is_veto=c.get("is_veto", False)) for i, c in enumerate(definition["criteria"]))
    return scheme


def sync_default_schemes(*args, **kwargs):
    """Create each shipped scheme version that is not in the database yet (idempotent)."""
    path = RULES_DIR / PACK_FILE
    if not path.exists():
        return
    data = load_pack_file(path)
    source = f"{data['pack']['code']} {data['pack']['version']}"
    for definition in data.get("schemes", []):
        if not Scheme.objects.filter(code=definition["code"], version=definition.get("version", 1)).exists():
            scheme_from_definition(definition, source=source)
