"""Background tasks of the notices app."""
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from dangjian.core.background import background


@background(label=_("Deliver a notification"), attempts=3)
@task()
def deliver_notification(user_ids: list[int], title: str, body: str, url: str) -> int:
    """Deliver one message to users through the configured channels; returns the failures."""
    from dangjian.accounts.models import User

    from .channels import deliver

    users = list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))
    return deliver(users, title=title, body=body, url=url)
