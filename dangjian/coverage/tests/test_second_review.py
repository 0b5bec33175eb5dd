"""Defects found in the second review: links from the statistics to firms in another's building,
assignments to closed firms, future establishment dates, the member picker after a failed post."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.core.spreadsheets import ImportRejected
from dangjian.coverage import importing, services_contacts, services_firms
from dangjian.coverage.models import Assignment

from .fixtures import credit_code, make_firm
from .fixtures_buildings import make_building
from .fixtures_firms import firm_workbook
from .test_firms_import import row

pytestmark = pytest.mark.django_db


def test_a_community_opens_its_firms_in_a_building_the_street_looks_after(personas, org, client_for):
    building = make_building(personas["organizer"], org["street"], name="街道大厦")
    firm = make_firm(personas["organizer"], org["community"], 801, building=building, floor=3)
    client = client_for("community")
    page = client.get(reverse("coverage:firms"), {"building": building.pk})
    assert page.status_code == 200 and firm.name in page.content.decode()
    assert client.get(reverse("coverage:firms"), {"building": "x"}).status_code == 404
    other = make_building(personas["organizer"], org["street"], name="无关大厦")
    assert client.get(reverse("coverage:firms"), {"building": other.pk}).status_code == 404


def test_a_closed_firm_gets_no_new_assignment(personas, org, client_for):
    actor = personas["organizer"]
    firm = make_firm(actor, org["community"], 802)
    services_firms.firm_update(actor=actor, firm=firm, status="closed", closed_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services_contacts.assignment_create(actor=actor, firm=firm, appointed_by=org["street"], role="instructor",
                                            name="王指导", started_on=timezone.localdate())
    response = client_for("organizer").post(f"{reverse('coverage:assignment_new')}?firm={firm.pk}", {
        "firm": firm.pk, "appointed_by": org["street"].pk, "role": "instructor", "name": "王指导",
        "started_on": timezone.localdate().isoformat()})
    assert response.status_code == 404 and not Assignment.objects.filter(firm=firm).exists()


def test_the_member_picker_shown_again_offers_only_the_chosen_record(personas, org, client_for):
    firm = make_firm(personas["organizer"], org["community"], 803)
    response = client_for("organizer").post(f"{reverse('coverage:assignment_new')}?firm={firm.pk}", {
        "firm": firm.pk, "appointed_by": "", "role": "instructor", "name": "王指导",
        "started_on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert list(response.context["form"].fields["member"].queryset) == []


def test_a_future_date_established_is_refused_in_forms_and_imports(personas, org):
    later = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        make_firm(personas["organizer"], org["community"], 804, established_on=later)
    assert "established_on" in caught.value.message_dict
    upload = firm_workbook([row(credit_code(805), "未来公司", org["community"].code, established_on="2062-05-20")])
    with pytest.raises(ImportRejected) as rejected:
        importing.firms_import(actor=personas["community"], upload=upload)
    assert [e.row for e in rejected.value.row_errors] == [2]
