"""The dues pages as a branch secretary, the community committee and a member use them."""
import datetime

from dangjian.dues.choices import ReliefKind, ReliefStatus
from dangjian.dues.models import DuesDeclaration, DuesPayment, DuesRelief
from dangjian.dues.services import relief_request

from .conftest import declare, month, pay


def test_collect_a_month_in_one_form(client_for, branch, members):
    for member in members[:3]:
        declare(member)
    client = client_for("branch")
    response = client.get("/dues/collect/", {"org": branch.pk, "month": "2026-10"})
    assert response.status_code == 200
    rows = {r["member"].pk: r for r in response.context["rows"]}
    assert str(rows[members[0].pk]["due"].amount) == "40.00"
    assert rows[members[3].pk]["due"].amount is None  # no base declared: cannot be ticked
    response = client.post(f"/dues/collect/?org={branch.pk}&month=2026-10", {
        "paid_on": "2026-10-15", "method": "cash", f"pay-{members[0].pk}": "on", f"pay-{members[1].pk}": "on",
        f"method-{members[1].pk}": "wechat", f"extra-{members[1].pk}": "100",
    })
    assert response.status_code == 302
    rows = DuesPayment.objects.filter(month=month(10)).order_by("member_id")
    assert [(p.member_id, p.method, str(p.extra)) for p in rows] == [
        (members[0].pk, "cash", "0.00"), (members[1].pk, "wechat", "100.00")]


def test_collect_form_refuses_all_when_one_entry_is_wrong(client_for, branch, members):
    declare(members[0])
    declare(members[1])
    response = client_for("branch").post(f"/dues/collect/?org={branch.pk}&month=2026-10", {
        "paid_on": "2026-10-15", "method": "cash", f"pay-{members[0].pk}": "on", f"pay-{members[1].pk}": "on",
        f"amount-{members[1].pk}": "1.00",
    })
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not DuesPayment.objects.exists()
    ticked = {r["member"].pk for r in response.context["rows"] if r["checked"]}
    assert ticked == {members[0].pk, members[1].pk}  # the ticks are kept for the correction


def test_collect_needs_the_change_right(client_for, branch):
    assert client_for("member").get("/dues/collect/", {"org": branch.pk}).status_code == 403
    assert client_for("sibling").get("/dues/collect/", {"org": branch.pk}).status_code == 404
    assert client_for("auditor").get("/dues/collect/", {"org": branch.pk}).status_code == 403


def test_a_committee_without_members_offers_its_branches(client_for, org):
    response = client_for("community").get("/dues/collect/", {"org": org["community"].pk})
    assert response.status_code == 200 and org["branch"] in response.context["branches"]
    response = client_for("community").get("/dues/ledger/", {"org": org["community"].pk})
    assert response.status_code == 200 and org["branch"] in response.context["branches"]


def test_member_dues_page_scope(client_for, personas, members, branch):
    own = personas["member"].member
    declare(own)
    pay(branch, [own], month(1))
    response = client_for("member").get(f"/dues/members/{own.pk}/")
    assert response.status_code == 200 and response.context["paid_up_to"] == month(1)
    assert client_for("member").get(f"/dues/members/{members[0].pk}/").status_code == 403  # a branch-mate's
    assert client_for("sibling").get(f"/dues/members/{members[0].pk}/").status_code == 404
    assert client_for("branch").get(f"/dues/members/{members[0].pk}/").status_code == 200
    assert client_for("auditor").get(f"/dues/members/{members[0].pk}/").status_code == 200


def test_member_detail_page_shows_the_dues_section_only_to_those_in_scope(client_for, personas, members):
    declare(members[0], base="6000")
    page = client_for("branch").get(f"/members/{members[0].pk}/").content.decode()
    assert f"/dues/members/{members[0].pk}/" in page and "90.00" in page
    page = client_for("member").get(f"/members/{members[0].pk}/")
    assert page.status_code == 200 and f"/dues/members/{members[0].pk}/" not in page.content.decode()


def test_declare_form(client_for, members):
    response = client_for("branch").post(f"/dues/members/{members[0].pk}/declare/", {
        "basis": "retired", "base": "5200", "effective_from": "2026-03", "note": "退休金调整"})
    assert response.status_code == 302
    declaration = DuesDeclaration.objects.get(member=members[0])
    assert (declaration.basis, declaration.effective_from, str(declaration.base)) == ("retired", month(3), "5200.00")
    response = client_for("branch").post(f"/dues/members/{members[0].pk}/declare/", {
        "basis": "farmer", "base": "3", "effective_from": "2026-03"})
    assert response.status_code == 200 and response.context["form"].errors["base"]
    assert client_for("member").get(f"/dues/members/{members[0].pk}/declare/").status_code == 403


def test_relief_request_then_review_by_the_committee(client_for, members, org):
    response = client_for("branch").post(f"/dues/members/{members[0].pk}/relief/", {
        "kind": "exemption", "from_month": "2026-11", "to_month": "2027-04", "reason": "身患重病，长期住院",
        "decided_on": "2026-11-20"})
    assert response.status_code == 302
    relief = DuesRelief.objects.get(member=members[0])
    assert relief.status == ReliefStatus.PENDING
    assert client_for("branch").get(f"/dues/reliefs/{relief.pk}/review/").status_code == 403  # not above itself
    assert client_for("sibling").get(f"/dues/reliefs/{relief.pk}/review/").status_code == 404
    client = client_for("community")
    response = client.get("/dues/reliefs/", {"org": org["community"].pk})
    assert [r.pk for r in response.context["page_obj"]] == [relief.pk] and response.context["page_obj"][0].reviewable
    response = client.post(f"/dues/reliefs/{relief.pk}/review/", {
        "decision": "approve", "approving_organization": org["community"].pk, "reviewed_on": "2026-11-21"})
    assert response.status_code == 302
    relief.refresh_from_db()
    assert relief.status == ReliefStatus.APPROVED and relief.approving_organization == org["community"]


def test_rejecting_needs_a_reason(client_for, members, org):
    relief = relief_request(actor=None, member=members[0], kind=ReliefKind.EXEMPTION, from_month=month(11),
                            to_month=month(12), reason="困难", decided_on=datetime.date(2026, 11, 2))
    response = client_for("community").post(f"/dues/reliefs/{relief.pk}/review/", {
        "decision": "reject", "approving_organization": org["community"].pk, "reviewed_on": "2026-11-21"})
    assert response.status_code == 200 and response.context["form"].errors["note"]


def test_correct_a_payment(client_for, members, branch):
    declare(members[0])
    [payment] = pay(branch, [members[0]], month(2))
    response = client_for("branch").post(f"/dues/payments/{payment.pk}/correct/", {
        "amount_paid": "40.00", "extra": "20", "method": "alipay", "paid_on": "2026-02-11", "reason": "补记自愿多交"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (str(payment.extra), payment.method) == ("20.00", "alipay")
    assert client_for("sibling").get(f"/dues/payments/{payment.pk}/correct/").status_code == 404
    assert client_for("auditor").get(f"/dues/payments/{payment.pk}/correct/").status_code == 403


def test_calculator_page(client_for):
    client = client_for("member")
    response = client.get("/dues/calculator/", {"basis": "wage", "base": "3000.01", "on": "2026-11-01"})
    assert response.status_code == 200 and str(response.context["result"]["amount"]) == "30.00"
    response = client.get("/dues/calculator/", {"basis": "wage", "base": "3000", "on": "2008-03-01"})
    assert response.context["result"] is None and response.context["form"].errors


def test_overview_and_workbench(client_for, members, branch, org):
    for member in members:
        declare(member)
    pay(branch, members[:2], month(6))
    response = client_for("community").get("/dues/", {"org": org["community"].pk})
    assert response.status_code == 200
    line = next(r for r in response.context["rows"] if r.organization.pk == branch.pk)
    assert line.serious >= 2  # members[2:] never paid since January
    home = client_for("branch").get("/")
    alerts = [t for t in home.context["todos"] if t["kind"] == "alert" and "/dues/" in t["url"]]
    assert any(t["overdue"] for t in alerts)
    assert client_for("member").get("/dues/").status_code == 403
