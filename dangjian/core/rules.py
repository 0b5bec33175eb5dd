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


class RuleBook:
    """The rule packs in force on one day, loaded once, for many look-ups (one per organization)."""

    def __init__(self, on: datetime.date | None = None):
        from .models import RulePack

        self.on = on or timezone.localdate()
        self.packs = list(RulePack.objects.filter(effective_from__lte=self.on))

    def get(self, key: str, codes: dict[str, int] | None = None) -> RuleValue:
        """The value for an organization whose own and ancestors' codes are ``codes`` (code → depth).

        A local pack covers the subtree of the organization it names; deeper local packs win
        over shallower ones and over the national packs; among packs of the same reach the newest
        in force wins.
        """
        codes = codes or {}

        def reach(pack):
            return codes.get(pack.organization_code, -1) if pack.organization_code else 0

        applicable = [p for p in self.packs if reach(p) >= 0]
        for pack in sorted(applicable, key=lambda p: (reach(p), p.effective_from), reverse=True):
            try:
                return RuleValue(_dig(pack.data, key), f"{pack.code} {pack.version}")
            except KeyError:
                continue
        raise RuleMissing(key)


def rule(key: str, *, organization=None, on: datetime.date | None = None) -> RuleValue:
    """The value of a rule for an organization on a day, with the version that gave it."""
    return RuleBook(on).get(key, ancestor_codes(organization) if organization is not None else None)


def ancestor_codes(organization) -> dict[str, int]:
    """Codes of the organization and its ancestors, with their depth (deeper is nearer)."""
    from dangjian.organizations.models import Organization

    return dict(Organization.objects.filter(path__in=organization.lineage_paths).values_list("code", "depth"))


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
        org_code = header.get("organization_code", "")
        RulePack.objects.update_or_create(
            code=header["code"], version=header["version"],
            defaults={
                "title": header.get("title", ""),
                "effective_from": datetime.date.fromisoformat(str(header["effective_from"])),
                "organization_code": org_code,
                "data": data,
                "source": path.name,
            },
        )
