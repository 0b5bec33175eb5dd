"""Template helpers of recruitment for other apps' pages."""
from django import template

from ..models import Applicant

register = template.Library()


@register.simple_tag(takes_context=True)
def recruitment_file(context, member):
    """The recruitment file that made ``member`` a member, if the user may see it (else None)."""
    request = context.get("request")
    if request is None or member is None:
        return None
    return Applicant.objects.restrict(request.user, "view").filter(member=member).only("pk").first()
