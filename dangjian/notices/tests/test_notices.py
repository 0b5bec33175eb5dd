"""Notices, assignments and notifications: targets, access, read counts, reports and channels."""
import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dangjian.core.models import AuditEntry
from dangjian.notices import selectors, services
from dangjian.notices.channels import EmailChannel, WebhookChannel, deliver
from dangjian.notices.models import Notice, Notification
from dangjian.organizations.choices import OrgType

pytestmark = pytest.mark.django_db

FUTURE = datetime.date(2030, 6, 30)


def inbox_owners():
    """Who received a notice in their inbox (the demo's own messages about requests left aside)."""
    return set(Notification.objects.filter(url__startswith="/notices/").values_list("user__username", flat=True))


def publish(personas, org, targets, *, to_subtree=False, title="关于开展主题党日活动的通知"):
    return services.notice_publish(actor=personas["community"], organization=org["community"], title=title,
                                   body="请各支部按时开展。", targets=targets, to_subtree=to_subtree)


def test_publish_to_a_branch_notifies_its_secretary_and_members(personas, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish(personas, org, [org["branch"]])
    assert inbox_owners() == {"branch", "member"}
    message = Notification.objects.get(user=personas["member"], url__startswith="/notices/")
    assert notice.title in message.title and message.url == reverse("notices:detail", args=[notice.pk])
    entry = AuditEntry.objects.get(action="notice.published")
    assert entry.organization == org["community"] and entry.changes == {"count": 1}


def test_publish_to_the_subtree_reaches_every_branch_but_no_party_group(personas, org,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish(personas, org, None, to_subtree=True)
    targets = set(notice.targets.all())
    assert {org["branch"], org["sibling"]} <= targets
    assert not any(t.org_type == OrgType.PARTY_GROUP for t in targets)
    assert org["community"] not in targets
    assert {"branch", "member", "sibling"} <= inbox_owners()


def test_targets_must_lie_below_the_issuer(personas, org):
    with pytest.raises(ValidationError) as exc:
        publish(personas, org, [org["town"]])
    assert "targets" in exc.value.message_dict
    with pytest.raises(ValidationError):
        publish(personas, org, [org["community"]])
    with pytest.raises(ValidationError):
        publish(personas, org, [])
    assert not Notice.objects.exists()


def test_publishing_needs_add_on_the_issuer(personas, org):
    for persona in ("branch", "member", "auditor", "sibling"):
        with pytest.raises(PermissionDenied):
            services.notice_publish(actor=personas[persona], organization=org["community"], title="x", body="y",
                                    targets=[org["branch"]])


def test_a_notice_to_the_first_branch_is_out_of_sight_for_the_sibling(personas, org, client_for):
    notice = publish(personas, org, [org["branch"]])
    url = reverse("notices:detail", args=[notice.pk])
    assert client_for("sibling").get(url).status_code == 404
    assert notice.title not in client_for("sibling").get(reverse("notices:list")).content.decode()
    for persona in ("branch", "member", "community", "organizer", "city", "auditor"):
        assert client_for(persona).get(url).status_code == 200, persona
    assert Notice.objects.restrict(personas["sibling"], "view").count() == 0
    assert list(Notice.objects.restrict(personas["member"], "view")) == [notice]


def test_read_counts_per_target_organization(personas, org, client_for):
    notice = publish(personas, org, [org["branch"], org["sibling"]])
    counts = {row["organization"]: row for row in selectors.notice_read_counts(notice, personas["community"])}
    assert counts[org["branch"]]["recipients"] >= 2 and counts[org["branch"]]["read"] == 0
    client_for("member").get(reverse("notices:detail", args=[notice.pk]))
    client_for("member").get(reverse("notices:detail", args=[notice.pk]))  # read once, counted once
    client_for("sibling").get(reverse("notices:detail", args=[notice.pk]))
    response = client_for("community").get(reverse("notices:detail", args=[notice.pk]))
    rows = {row["organization"]: row for row in response.context["read_counts"]}
    assert rows[org["branch"]]["read"] == 1
    assert rows[org["branch"]]["unread"] == rows[org["branch"]]["recipients"] - 1
    assert rows[org["sibling"]]["read"] == 1
    # The branch's own people see the notice, not the issuer's read counts.
    assert client_for("branch").get(reverse("notices:detail", args=[notice.pk])).context["read_counts"] is None


def test_publish_page(personas, org, client_for):
    client = client_for("community")
    assert client.get(reverse("notices:publish")).status_code == 200
    response = client.post(reverse("notices:publish"), {
        "organization": org["community"].pk, "title": "通知", "body": "内容", "targets": [org["branch"].pk],
    })
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("notices:detail", args=[notice.pk])
    response = client.post(reverse("notices:publish"), {
        "organization": org["community"].pk, "title": "通知", "body": "内容",
    })
    assert response.status_code == 200 and response.context["form"].errors
    assert client_for("member").get(reverse("notices:publish")).status_code == 403


def give(personas, org, targets=None):
    return services.assignment_create(
        actor=personas["community"], organization=org["community"], title="整理党员档案",
        description="年底前完成。", due_on=FUTURE, targets=targets or [org["branch"], org["sibling"]])


def test_assignment_reports_and_completion_counts(personas, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = give(personas, org)
    assert {"branch", "sibling", "member"} <= inbox_owners()
    assert selectors.assignment_counts([assignment])[assignment.pk] == {"total": 2, "done": 0}
    with django_capture_on_commit_callbacks(execute=True):
        report = services.assignment_report(actor=personas["branch"], assignment=assignment,
                                            organization=org["branch"], text="已完成档案整理。")
    assert report.status == "done" and report.reported_by == personas["branch"]
    assert selectors.assignment_counts([assignment])[assignment.pk] == {"total": 2, "done": 1}
    assert Notification.objects.filter(user=personas["community"], url__contains=str(assignment.pk)).exists()
    with pytest.raises(ValidationError):
        services.assignment_report(actor=personas["branch"], assignment=assignment, organization=org["branch"],
                                   text="again")
    with pytest.raises(PermissionDenied):
        services.assignment_report(actor=personas["branch"], assignment=assignment, organization=org["sibling"],
                                   text="not mine")
    with pytest.raises(PermissionDenied):
        services.assignment_report(actor=personas["member"], assignment=assignment, organization=org["branch"],
                                   text="not a secretary")
    assert AuditEntry.objects.filter(action="assignment.reported").count() == 1


def test_assignment_checks(personas, org):
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(actor=personas["community"], organization=org["community"], title="x",
                                   description="y", due_on=datetime.date(2000, 1, 1), targets=[org["branch"]])
    assert "due_on" in exc.value.message_dict
    assignment = give(personas, org, [org["branch"]])
    with pytest.raises(ValidationError):
        services.assignment_report(actor=personas["community"], assignment=assignment,
                                   organization=org["community"], text="not a target")


def test_assignment_pages(personas, org, client_for):
    assignment = give(personas, org, [org["branch"]])
    detail = reverse("notices:assignment_detail", args=[assignment.pk])
    report = reverse("notices:assignment_report", args=[assignment.pk])
    assert client_for("sibling").get(detail).status_code == 404
    assert client_for("sibling").get(report).status_code == 404
    assert client_for("member").get(report).status_code == 403
    assert client_for("auditor").get(report).status_code == 403
    client = client_for("branch")
    assert client.get(detail).context["can_report"] is True
    response = client.post(report, {"organization": org["branch"].pk, "text": "已完成"})
    assert response.status_code == 302
    assert client.get(report).status_code == 403  # nothing left to report
    page = client_for("community").get(detail)
    assert [r.status for r in page.context["reports"]] == ["done"]
    assert page.context["counts"] == {"total": 1, "done": 1}
    listing = client_for("community").get(reverse("notices:assignment_list"))
    assert assignment in list(listing.context["page_obj"])
    assert assignment not in list(client_for("sibling").get(reverse("notices:assignment_list")).context["page_obj"])


def test_inbox_mark_read(personas, client_for):
    mine = Notification.objects.create(user=personas["member"], title="a", url="/notices/")
    Notification.objects.create(user=personas["member"], title="b")
    other = Notification.objects.create(user=personas["branch"], title="c")
    client = client_for("member")
    response = client.get(reverse("notices:inbox"))
    assert response.context["unread_count"] == 2 and other not in list(response.context["page_obj"])
    response = client.post(reverse("notices:inbox_read"), {"id": mine.pk, "go": "1"})
    assert response["Location"] == "/notices/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.post(reverse("notices:inbox_read"), {"id": other.pk}).status_code == 404
    client.post(reverse("notices:inbox_read"))
    assert not Notification.objects.filter(user=personas["member"], read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None
    assert client.get(reverse("notices:inbox_read")).status_code == 405


class _Recorder(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.path, self.headers["Content-Type"], json.loads(body)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"errcode":0}')

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_server():
    _Recorder.received = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.received
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_webhook_channel_posts_json(personas, org, settings, fake_server, django_capture_on_commit_callbacks):
    base, received = fake_server
    settings.NOTIFICATION_CHANNELS = [
        {"class": "dangjian.notices.channels.WebhookChannel", "url": f"{base}/hook?key=abc", "timeout": 5,
         "base_url": "https://dj.example.cn"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish(personas, org, [org["branch"]])
    payloads = {p["username"]: (path, ctype, p) for path, ctype, p in received}
    assert set(payloads) == {"branch", "member"}
    path, ctype, payload = payloads["member"]
    assert path == "/hook?key=abc" and ctype.startswith("application/json")
    assert notice.title in payload["title"]
    assert payload["url"] == f"https://dj.example.cn/notices/{notice.pk}/"
    assert payload["name"] == str(personas["member"])
    assert not inbox_owners()  # the in-app channel is not configured here


def test_webhook_wecom_format(personas, fake_server):
    base, received = fake_server
    channel = WebhookChannel(url=base, format="wecom")
    channel.send(user=personas["member"], title="标题", body="正文", url="/notices/")
    assert received[0][2] == {"msgtype": "text", "text": {"content": "标题\n正文\n/notices/"}}


def test_failures_are_logged_not_raised(personas, caplog):
    from django.test import override_settings

    channels = [
        {"class": "dangjian.notices.channels.WebhookChannel", "url": "http://127.0.0.1:9/", "timeout": 1},
        "dangjian.notices.channels.InAppChannel",
    ]
    with override_settings(NOTIFICATION_CHANNELS=channels):
        failures = deliver([personas["member"], personas["branch"]], title="t", body="b", url="/notices/")
    assert failures == 2
    assert "WebhookChannel" in caplog.text
    assert inbox_owners() == {"member", "branch"}  # the other channel still delivered


def test_email_channel(personas, org, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_CHANNELS = [
        {"class": "dangjian.notices.channels.EmailChannel", "base_url": "https://dj.example.cn",
         "from_email": "noreply@dj.example.cn"},
    ]
    member = personas["member"]
    member.email = "member@example.cn"
    member.save(update_fields=["email"])
    personas["branch"].email = ""
    personas["branch"].save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish(personas, org, [org["branch"]])
    assert len(mail.outbox) == 1  # the branch secretary has no address and is skipped
    sent = mail.outbox[0]
    assert sent.to == ["member@example.cn"] and sent.from_email == "noreply@dj.example.cn"
    assert notice.title in sent.subject and f"https://dj.example.cn/notices/{notice.pk}/" in sent.body
    EmailChannel().send(user=member, title="x", body="y", url="")
    assert mail.outbox[1].body == "y"


def test_attachment_is_served_only_to_viewers(personas, org, client_for, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    notice = services.notice_publish(
        actor=personas["community"], organization=org["community"], title="附件通知", body="见附件",
        targets=[org["branch"]], attachment=SimpleUploadedFile("plan.txt", b"plan"))
    url = reverse("notices:attachment", args=[notice.pk])
    response = client_for("member").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"plan"
    assert client_for("sibling").get(url).status_code == 404
