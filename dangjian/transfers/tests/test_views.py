"""Transfers and the mobile register as secretaries use them on the pages, scoped for each side."""
import datetime
import io

from django.urls import reverse
from docx import Document

from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.transfers import mobile, services
from dangjian.transfers.models import Transfer


def send(member, personas, to, on, **extra):
    return services.transfer_send(actor=personas["branch"], member=member, to_organization=to, reason="home",
                                  dues_paid_until=datetime.date(2026, 10, 1), sent_on=on, **extra)


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_send_from_the_member_page_then_receive_on_the_other_side(client_for, org, branch_members, today):
    member, = branch_members(1)
    client = client_for("branch")
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert reverse("transfers:send", args=[member.pk]) in page
    # The destination list narrows by name; the sibling branch is found.
    found = client.get(reverse("transfers:send", args=[member.pk]), {"q": "第二党支部"}).content.decode()
    assert f'value="{org["sibling"].pk}"' in found and f'value="{org["town"].pk}"' not in found
    response = client.post(reverse("transfers:send", args=[member.pk]), {
        "kind": "within", "to_organization": org["sibling"].pk, "reason": "home", "reason_note": "搬家到新华社区",
        "dues_paid_until": "2026-10", "sent_on": today.isoformat()})
    transfer = Transfer.objects.get(member=member)
    assert response.status_code == 302 and response["Location"] == reverse("transfers:detail", args=[transfer.pk])
    assert transfer.dues_paid_until == datetime.date(2026, 10, 1)
    assert transfer.letter_number in client.get(reverse("members:detail", args=[member.pk])).content.decode()

    # The sending side waits; it cannot receive its own letter (403).
    outgoing = client.get(reverse("transfers:list"), {"tab": "outgoing"}).content.decode()
    assert transfer.letter_number in outgoing
    assert client.get(reverse("transfers:receive", args=[transfer.pk])).status_code == 403

    # The receiving side sees the letter and masked data, not the member's record, then receives.
    sibling = client_for("sibling")
    incoming = sibling.get(reverse("transfers:list"), {"tab": "incoming"}).content.decode()
    assert transfer.letter_number in incoming
    detail = sibling.get(reverse("transfers:detail", args=[transfer.pk])).content.decode()
    assert member.id_number_masked in detail and reverse("members:detail", args=[member.pk]) not in detail
    assert sibling.get(reverse("members:detail", args=[member.pk])).status_code == 404
    assert sibling.get(reverse("transfers:cancel", args=[transfer.pk])).status_code == 403
    response = sibling.post(reverse("transfers:receive", args=[transfer.pk]), {"on": today.isoformat()})
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).organization == org["sibling"]
    assert sibling.get(reverse("members:detail", args=[member.pk])).status_code == 200


def test_out_of_sight_transfers_answer_404(client_for, personas, org, branch_members, today):
    member, = branch_members(1)
    transfer = send(member, personas, org["town"], today)
    for name in ("detail", "receive", "reject", "cancel", "letter"):
        assert client_for("sibling").get(reverse(f"transfers:{name}", args=[transfer.pk])).status_code == 404, name
    assert client_for("member").get(reverse("transfers:detail", args=[transfer.pk])).status_code == 404
    assert transfer.letter_number not in client_for("sibling").get(reverse("transfers:list")).content.decode()
    # The ordinary member sees their own transfer.
    own = personas["member"].member
    mine = send(own, personas, org["sibling"], today)
    assert client_for("member").get(reverse("transfers:detail", args=[mine.pk])).status_code == 200


def test_the_letter_in_three_parts(client_for, personas, org, branch_members, today):
    member, = branch_members(1)
    transfer = send(member, personas, org["sibling"], today)
    client = client_for("branch")
    response = client.get(reverse("transfers:letter", args=[transfer.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = docx_text(response.content)
    full = Member.objects.values_list("id_number", flat=True).get(pk=member.pk)
    assert text.count(f"第{transfer.letter_number}号") == 3  # stub, letter, return slip
    for part in ("存根", "回执", "中国共产党党员组织关系介绍信", member.name, member.id_number_masked, org["sibling"].name,
                 "2026年10月", f"{transfer.valid_until.year}年{transfer.valid_until.month}月{transfer.valid_until.day}日"):
        assert part in text, part
    assert full not in text
    assert AuditEntry.objects.filter(action="transfer.letter_exported", object_id=str(transfer.pk),
                                     changes__full=False).exists()
    # The full ID number only for those who may reveal it, and the download is logged.
    text = docx_text(client.get(reverse("transfers:letter", args=[transfer.pk]), {"full": "1"}).content)
    assert full in text
    assert AuditEntry.objects.filter(action="transfer.letter_exported", object_id=str(transfer.pk),
                                     changes__full=True).exists()
    assert client_for("sibling").get(reverse("transfers:letter", args=[transfer.pk]), {"full": "1"}).status_code == 403
    assert client_for("sibling").get(reverse("transfers:letter", args=[transfer.pk])).status_code == 200


def test_lists_take_a_fixed_number_of_queries(client_for, personas, org, branch_members, today,
                                              django_assert_max_num_queries):
    members = branch_members(12)
    for i, member in enumerate(members[:8]):
        send(member, personas, org["sibling"] if i % 2 else org["town"], today - datetime.timedelta(days=i * 20))
    for member in members[8:]:
        mobile.mobile_register(actor=personas["branch"], member=member, destination="浙江省杭州市",
                               left_on=today - datetime.timedelta(days=200))
    client = client_for("branch")
    for tab in ("outgoing", "incoming", "history"):
        with django_assert_max_num_queries(10):
            assert client.get(reverse("transfers:list"), {"tab": tab}).status_code == 200
    with django_assert_max_num_queries(10):
        page = client.get(reverse("transfers:mobile_list"))
    assert page.status_code == 200 and page.content.decode().count("浙江省杭州市") >= 4
    assert "table-roster" in client.get(reverse("transfers:mobile_list"), {"long": "1"}).content.decode()


def test_workbench_lists_transfers_to_act_on(client_for, personas, org, branch_members, today,
                                             django_assert_max_num_queries):
    from dangjian.core.access import user_scope
    from dangjian.transfers.selectors import workbench_items

    expired, waiting = branch_members(2)
    send(expired, personas, org["town"], today - datetime.timedelta(days=120))
    send(waiting, personas, org["sibling"], today)
    user = personas["community"]
    user_scope(user, "change")  # the user's roles are read once per request, before the workbench
    with django_assert_max_num_queries(3):
        items = workbench_items(root=org["community"], user=user, today=today)
    assert [(i["overdue"], i["url"].split("tab=")[1].split("&")[0]) for i in items] == [
        (False, "incoming"), (True, "outgoing")]
    home = client_for("branch").get("/").content.decode()
    assert "tab=outgoing" in home
    assert "tab=incoming" in client_for("sibling").get("/").content.decode()


def test_mobile_pages(client_for, personas, org, branch_members, today):
    member, = branch_members(1)
    client = client_for("branch")
    response = client.post(reverse("transfers:mobile_register", args=[member.pk]), {
        "destination": "江苏省苏州市工业园区", "work": "外企", "left_on": (today - datetime.timedelta(days=10)).isoformat(),
        "contact_organization": org["sibling"].pk})
    assert response.status_code == 302
    registration = member.mobile_records.get()
    assert "江苏省苏州市工业园区" in client.get(reverse("members:detail", args=[member.pk])).content.decode()
    response = client.post(reverse("transfers:mobile_activity", args=[registration.pk]), {
        "on": today.isoformat(), "kind": "study", "hours": "1.5", "description": "参加流入地党课"})
    assert response.status_code == 302 and registration.activities.count() == 1
    # The branch where the member takes part sees the record too; others do not.
    assert client_for("sibling").get(reverse("transfers:mobile_detail", args=[registration.pk])).status_code == 200
    assert client_for("member").get(reverse("transfers:mobile_detail", args=[registration.pk])).status_code == 404
    client = client_for("branch")
    response = client.post(reverse("transfers:mobile_return", args=[registration.pk]), {"returned_on": today.isoformat()})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.returned_on == today


def test_receive_a_member_from_elsewhere_on_the_page(client_for, org, today):
    client = client_for("branch")
    form = {
        "organization": org["branch"].pk, "origin": "中共上海市某支部委员会", "letter_number": "沪组转2026-88",
        "sent_on": (today - datetime.timedelta(days=5)).isoformat(), "received_on": today.isoformat(),
        "dues_paid_until": "2026-10", "name": "沈新来", "gender": "male", "ethnicity": "01", "birth_date": "1990-03-07",
        "id_number": "110101199003071233", "education": "undergraduate", "status": "full", "joined_on": "2015-06-01",
        "full_member_on": "2016-06-01", "category": "employed",
    }
    bad = client.post(reverse("transfers:receive_outside"), {**form, "birth_date": "1991-01-01"})
    assert bad.status_code == 200 and not Member.objects.filter(name="沈新来").exists()
    response = client.post(reverse("transfers:receive_outside"), form)
    assert response.status_code == 302
    member = Member.objects.get(name="沈新来")
    assert member.organization == org["branch"] and member.transfers.get().origin == form["origin"]
