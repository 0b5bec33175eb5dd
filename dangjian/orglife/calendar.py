"""iCalendar feeds of meetings (RFC 5545), for the calendars of phones and office PCs.

A feed URL carries a signed token naming its user, so a calendar app can subscribe without
logging in; it lists only the meetings that user may see.
"""
import datetime

from django.core import signing
from django.utils import timezone

SALT = "orglife.calendar"


def feed_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=SALT, compress=True)


def feed_user(token: str):
    from dangjian.accounts.models import User

    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("u"), is_active=True).first()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold lines longer than 75 octets (RFC 5545 §3.1)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 74:
            out.append(current)
            current = " " + char
        else:
            current += char
    return "\r\n".join([*out, current])


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def ics(meetings, *, name: str, host: str) -> str:
    """The meetings as an iCalendar document."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//dangjian//orglife//ZH", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_escape(name)}", "X-WR-TIMEZONE:Asia/Shanghai"]
    stamp = _utc(timezone.now())
    for m in meetings:
        end = m.starts_at + datetime.timedelta(hours=float(m.duration_hours or 1))
        lines += [
            "BEGIN:VEVENT", f"UID:meeting-{m.pk}@{host}", f"DTSTAMP:{stamp}", f"DTSTART:{_utc(m.starts_at)}",
            f"DTEND:{_utc(end)}", f"SUMMARY:{_escape(f'{m.get_kind_display()}：{m.topic}')}",
            f"LOCATION:{_escape(m.place)}", f"DESCRIPTION:{_escape(m.agenda or m.organization.name)}",
            "STATUS:CANCELLED" if m.status == "cancelled" else "STATUS:CONFIRMED", "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
