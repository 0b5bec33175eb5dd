"""Delivery channels for notifications: in-app inbox, e-mail, and a webhook.

A site chooses its channels in settings::

    NOTIFICATION_CHANNELS = [
        "dangjian.notices.channels.InAppChannel",
        {"class": "dangjian.notices.channels.EmailChannel", "base_url": "https://dj.example.gov.cn"},
        {"class": "dangjian.notices.channels.WebhookChannel", "url": "https://qyapi.weixin.qq.com/...",
         "format": "wecom", "timeout": 5},
    ]

Each entry is a dotted path, or a dict with ``class`` and the channel's options. Without the
setting only the in-app inbox is used. A channel is any class with
``send(*, user, title, body, url)``; it may raise, :func:`deliver` logs and carries on.
"""
from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_CHANNELS = ["dangjian.notices.channels.InAppChannel"]


class Channel:
    """A way to reach a user. Options come from the channel's entry in the settings."""

    def __init__(self, **options):
        self.options = options

    def send(self, *, user, title: str, body: str, url: str) -> None:
        raise NotImplementedError

    def absolute(self, url: str) -> str:
        base = self.options.get("base_url", "")
        return f"{base.rstrip('/')}{url}" if base and url.startswith("/") else url


class InAppChannel(Channel):
    """Writes a message into the user's inbox (我的消息)."""

    def send(self, *, user, title, body, url):
        from .models import Notification

        Notification.objects.create(user=user, title=title[:200], body=body, url=url[:500])


class EmailChannel(Channel):
    """Sends an e-mail through Django's mail settings, to users that have an address."""

    def send(self, *, user, title, body, url):
        if not user.email:
            return
        text = f"{body}\n\n{self.absolute(url)}" if url else body
        send_mail(title, text, self.options.get("from_email"), [user.email], fail_silently=False)


class WebhookChannel(Channel):
    """POSTs JSON to a configured URL: a WeChat Work (企业微信) robot, an SMS gateway, ….

    Options: ``url`` (required), ``timeout`` in seconds (5), ``format``: ``"plain"`` (default,
    ``{"username", "name", "email", "title", "body", "url"}``) or ``"wecom"`` (a robot's text
    message), and ``headers`` (extra request headers, e.g. a gateway's token).
    """

    def payload(self, *, user, title, body, url) -> dict:
        link = self.absolute(url)
        if self.options.get("format") == "wecom":
            content = "\n".join(x for x in (title, body, link) if x)
            return {"msgtype": "text", "text": {"content": content}}
        return {"username": user.get_username(), "name": str(user), "email": user.email or "",
                "title": title, "body": body, "url": link}

    def send(self, *, user, title, body, url):
        data = json.dumps(self.payload(user=user, title=title, body=body, url=url), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", **self.options.get("headers", {})}
        request = urllib.request.Request(self.options["url"], data=data, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=self.options.get("timeout", 5)) as response:  # noqa: S310
            if response.status >= 400:
                raise OSError(f"Webhook answered {response.status}")


def configured_channels() -> list[Channel]:
    """The channels of this site, built from ``settings.NOTIFICATION_CHANNELS``."""
    channels = []
    for entry in getattr(settings, "NOTIFICATION_CHANNELS", DEFAULT_CHANNELS):
        options = dict(entry) if isinstance(entry, dict) else {"class": entry}
        cls = import_string(options.pop("class"))
        channels.append(cls(**options))
    return channels


def deliver(users, *, title: str, body: str, url: str) -> int:
    """Send one message to each user through every configured channel; returns the failures.

    A failing channel or user is logged and skipped: one bad address never stops the rest.
    """
    failures = 0
    for channel in configured_channels():
        for user in users:
            try:
                channel.send(user=user, title=title, body=body, url=url)
            except Exception:
                failures += 1
                logger.exception("Notification through %s to user %s failed", type(channel).__name__, user.pk)
    return failures
