"""The recruitment pipeline as the rule packs define it: stages, steps, timing, notices, groups.

Everything here is read from the packs (``rules/national-recruitment-2014.toml`` and local
packs that group or rename steps); nothing about the 25 steps is a constant in code. Each value
keeps the version of the pack that gave it, so that results can name their rule.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from dangjian.core.rules import RuleBook, RuleMissing, RuleValue, ancestor_codes

PARAMS = (
    "min_age", "probation_years", "extension_min_months", "extension_max_months", "activist_review_months",
    "training_min_hours", "training_min_days", "warn_days", "approving_org_types", "sponsors", "mentors_min",
    "mentors_max",
)
PROBATION_END = "probation_end"


@dataclass(frozen=True)
class StepDef:
    """One step as a pack defines it (see the comments at the top of the national pack)."""

    number: int
    code: str
    stage: str
    title: str
    requires: tuple[int, ...]
    after: int | str | None = None
    min_months: int = 0
    min_years: int = 0
    within_months: int | None = None
    limit_months: int | None = None
    upper_org: bool = False
    approval: bool = False
    group: str = ""  # the local group's name, if a local pack groups the steps

    @property
    def has_timing(self) -> bool:
        return self.after is not None


@dataclass(frozen=True)
class NoticeDef:
    before_step: int
    after_step: int
    working_days: int
    title: str
    version: str


@dataclass
class Pipeline:
    stages: list[tuple[str, str]]
    steps: dict[int, StepDef]
    notices: dict[int, NoticeDef]
    params: dict[str, RuleValue]
    groups: list[dict] = field(default_factory=list)
    version: str = ""  # the version of the step definitions

    def value(self, key: str):
        return self.params[key].value

    def version_of(self, key: str) -> str:
        return self.params[key].version

    def by_code(self, code: str) -> StepDef:
        for step in self.steps.values():
            if step.code == code:
                return step
        raise KeyError(code)

    def number_of(self, code: str) -> int:
        return self.by_code(code).number

    def stage_title(self, code: str) -> str:
        return dict(self.stages).get(code, code)

    def stage_of(self, number: int | None) -> str | None:
        return self.steps[number].stage if number in self.steps else None

    def stage_numbers(self, stage: str) -> list[int]:
        return [n for n, s in self.steps.items() if s.stage == stage]


def _step(row: dict, previous: int | None, groups: dict[int, str]) -> StepDef:
    number = int(row["number"])
    requires = row.get("requires")
    return StepDef(
        number=number, code=row["code"], stage=row["stage"], title=row["title"],
        requires=tuple(int(n) for n in requires) if requires is not None else ((previous,) if previous else ()),
        after=row.get("after"), min_months=int(row.get("min_months", 0)), min_years=int(row.get("min_years", 0)),
        within_months=row.get("within_months"), limit_months=row.get("limit_months"),
        upper_org=bool(row.get("upper_org", False)), approval=bool(row.get("approval", False)),
        group=groups.get(number, ""),
    )


def pipeline_for(organization=None, *, book: RuleBook | None = None, codes: dict[str, int] | None = None) -> Pipeline:
    """The pipeline in force for an organization (its own and its ancestors' packs).

    Give ``codes`` (from :func:`ancestor_codes` or :func:`codes_by_org`) to avoid a query;
    pipelines are cached on the book by the set of codes.
    """
    book = book or RuleBook()
    if codes is None:
        codes = ancestor_codes(organization) if organization is not None else {}
    cache = book.__dict__.setdefault("_recruitment_pipelines", {})
    key = frozenset(codes.items())
    if key in cache:
        return cache[key]
    steps_value = book.get("recruitment.steps", codes)
    try:
        group_rows = book.get("recruitment.groups", codes).value
    except RuleMissing:
        group_rows = []
    groups = {int(n): row["name"] for row in group_rows for n in row["steps"]}
    steps, previous = {}, None
    for row in sorted(steps_value.value, key=lambda r: int(r["number"])):
        step = _step(row, previous, groups)
        steps[step.number] = step
        previous = step.number
    notices_value = book.get("recruitment.public_notices", codes)
    notices = {int(n["before_step"]): NoticeDef(int(n["before_step"]), int(n.get("after_step", int(n["before_step"]) - 1)),
                                                int(n["working_days"]), n.get("title", ""), notices_value.version)
               for n in notices_value.value}
    stages = [(s["code"], s["title"]) for s in book.get("recruitment.stages", codes).value]
    params = {key: book.get(f"recruitment.{key}", codes) for key in PARAMS}
    pipeline = Pipeline(stages=stages, steps=steps, notices=notices, params=params, groups=list(group_rows),
                        version=steps_value.version)
    cache[key] = pipeline
    return pipeline


def codes_by_org(organizations) -> dict[int, dict[str, int]]:
    """Ancestor codes (code → depth) of many organizations, in one query."""
    from dangjian.organizations.models import Organization

    step = Organization.steplen
    paths = {org.pk: org.path for org in organizations}
    prefixes = {path[:end] for path in paths.values() for end in range(step, len(path) + 1, step)}
    known = {path: (code, depth) for path, code, depth in
             Organization.objects.filter(path__in=prefixes).values_list("path", "code", "depth")}
    result = {}
    for pk, path in paths.items():
        codes = {}
        for end in range(step, len(path) + 1, step):
            if path[:end] in known:
                code, depth = known[path[:end]]
                codes[code] = depth
        result[pk] = codes
    return result
