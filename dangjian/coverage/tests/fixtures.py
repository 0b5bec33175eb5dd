"""Objects of the coverage work for tests: valid credit codes and firms of 滨河社区党委's area."""
from dangjian.core.validators import credit_code_check_char

from .. import services_firms


def credit_code(n: int, *, prefix: str = "913301") -> str:
    """A valid unified social credit code, different for each ``n`` (area code 3301xx)."""
    first17 = f"{prefix}02MA{n:07d}"[:17].ljust(17, "0")
    return first17 + credit_code_check_char(first17)


def make_firm(actor, area, n: int, *, name: str | None = None, kind: str = "private_enterprise", **attrs):
    return services_firms.firm_create(actor=actor, name=name or f"测试企业{n}", kind=kind, credit_code=credit_code(n),
                                      area_organization=area, address=f"滨河路{n}号", **attrs)
