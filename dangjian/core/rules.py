"""Rule packs (规则包): rules kept as versioned data, never as constants in code.

Packs are TOML files in ``rules/`` loaded into :class:`RulePack` on every migrate. A value is
looked up by a dotted key; the answer names the pack version that gave it, so results can
record which rule produced them. A pack attached to an organization overrides the national
ones for that organization's subtree.
"""
from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

RULES_DIR = Path(settings.BASE_DIR) / "rules"


@dataclass(frozen=True)
class RuleValue:
    value: Any
    version: str  # "code version", e.g. "national 2018.1"


class RuleMissing(LookupError):
    pass


def _dig(data: dict, key: str):
    node = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(key)
        node = node[part]
    return node


def rule(key: str, *, organization=None, on: datetime.date | None = None) -> RuleValue:
    """The value of a rule for an organization on a day, with the version that gave it."""
    from .models import RulePack

    on = on or timezone.localdate()
    packs = list(RulePack.objects.filter(effective_from__lte=on).select_related("organization"))
    own_path = organization.path if organization is not None else ""

    def rank(pack):
        # Deeper local overrides first, then the newest effective date.
        depth = len(pack.organization.path) if pack.organization_id else 0
        return (depth, pack.effective_from)

    for pack in sorted(packs, key=rank, reverse=True):
        if pack.organization_id and not (own_path and own_path.startswith(pack.organization.path)):
            continue
        try:
            return RuleValue(_dig(pack.data, key), f"{pack.code} {pack.version}")
        except KeyError:
            continue
    raise RuleMissing(key)


def rule_value(key: str, *, organization=None, on=None, default=None):
    try:
        return rule(key, organization=organization, on=on).value
    except RuleMissing:
        if default is None:
            raise
        return default


def load_pack_file(path: Path) -> dict:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    if "pack" not in data:
        raise ValueError(f"{path.name}: missing [pack] header")
    return data


def sync_rule_packs(*args, **kwargs):
    """Load every pack file into the database (idempotent; keyed by code and version)."""
    from .models import RulePack

    if not RULES_DIR.exists():
        return
    for path in sorted(RULES_DIR.glob("*.toml")):
        data = load_pack_file(path)
        header = data.pop("pack")
        org = None
        org_code = header.get("organization_code", "")
        if org_code:
            from dangjian.organizations.models import Organization

            org = Organization.objects.filter(code=org_code).first()
        RulePack.objects.update_or_create(
            code=header["code"], version=header["version"],
            defaults={
                "title": header.get("title", ""),
                "effective_from": datetime.date.fromisoformat(str(header["effective_from"])),
                "organization": org,
                "organization_code": org_code,
                "data": data,
                "source": path.name,
            },
        )
