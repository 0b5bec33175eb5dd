"""/api/v1/dues/ (payment records, scoped) and /api/v1/dues/calculate/."""
import pytest

from .conftest import declare, month, pay

CALC = "/api/v1/dues/calculate/"


@pytest.mark.parametrize(("category", "base", "amount"), [
    ("employed", "3000", "15.00"), ("employed", "3000.01", "30.00"), ("wage", "10000.01", "200.00"),
    ("retired", "5000", "25.00"), ("retired", "5000.01", "50.00"), ("student", "", "0.20"),
    ("unemployed", "9000", "0.20"), ("relief", "", "0.20"), ("farmer", "0.8", "0.80"),
    ("annual_salary", "20000", "400.00"), ("self_employed", "4500", "45.00"), ("other", "2000", "10.00"),
])
def test_calculator(client_for, category, base, amount):
    response = client_for("member").get(CALC, {"category": category, "base": base, "date": "2026-11-01"})
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == amount
    assert response.json()["rule_version"] == "national-dues 2008.1"


@pytest.mark.parametrize(("query", "field"), [
    ({"category": "employed", "base": "-1"}, "base"),
    ({"category": "employed", "base": "三千"}, "base"),
    ({"category": "employed"}, "base"),
    ({"category": "soldier", "base": "3000"}, "category"),
    ({"base": "3000"}, "category"),
    ({"category": "employed", "base": "3000", "date": "2008-03-31"}, "date"),
    ({"category": "employed", "base": "3000", "date": "2026/11/01"}, "date"),
    ({"category": "farmer", "base": "2"}, "base"),
])
def test_calculator_refuses_bad_input_field_by_field(client_for, query, field):
    response = client_for("member").get(CALC, query)
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field] and all(isinstance(m, str) and m for m in errors[field])


def test_calculator_defaults_to_today_and_needs_a_login(client, client_for):
    assert client_for("branch").get(CALC, {"category": "retired", "base": "4000"}).json()["amount"] == "20.00"
    client.logout()
    assert client.get(CALC, {"category": "retired", "base": "4000"}).status_code in (401, 403)


@pytest.fixture
def recorded(branch, members, org, personas):
    own = personas["member"].member
    for member in [*members, own]:
        declare(member)
    pay(branch, [*members, own], month(9))
    pay(branch, members[:2], month(10), extra="10")
    sibling_member = org["sibling"].members.filter(status="full").first()
    declare(sibling_member)
    pay(org["sibling"], [sibling_member], month(9))
    return {"own": own, "sibling": sibling_member}


def test_payments_are_scoped(client_for, recorded, members, branch, django_assert_max_num_queries):
    client = client_for("branch")
    with django_assert_max_num_queries(10):
        rows = client.get("/api/v1/dues/", {"page_size": 200}).json()["results"]
    assert {r["member"] for r in rows} == {m.pk for m in members} | {recorded["own"].pk}
    row = next(r for r in rows if r["month"] == "2026-10-01" and r["member"] == members[0].pk)
    assert (row["amount_due"], row["amount_paid"], row["extra"]) == ("40.00", "40.00", "10.00")
    assert row["rule_version"] == "national-dues 2008.1" and row["organization"] == branch.pk
    sibling_rows = client_for("sibling").get("/api/v1/dues/").json()["results"]
    assert {r["member"] for r in sibling_rows} == {recorded["sibling"].pk}
    assert client_for("sibling").get(f"/api/v1/dues/{row['id']}/").status_code == 404
    own = client_for("member").get("/api/v1/dues/").json()["results"]
    assert [r["member"] for r in own] == [recorded["own"].pk]
    assert client_for("member").get(f"/api/v1/dues/{row['id']}/").status_code == 404


def test_payment_filters(client_for, recorded, members, org):
    client = client_for("community")
    assert client.get("/api/v1/dues/", {"month": "2026-10"}).json()["count"] == 2
    assert client.get("/api/v1/dues/", {"year": 2026, "member": members[0].pk}).json()["count"] == 2
    assert client.get("/api/v1/dues/", {"organization": org["sibling"].pk}).json()["count"] == 1
    assert client.get("/api/v1/dues/", {"organization": org["community"].pk}).json()["count"] == 8
    assert client.get("/api/v1/dues/", {"month": "October"}).status_code == 400
    assert client.post("/api/v1/dues/", {}).status_code == 405
