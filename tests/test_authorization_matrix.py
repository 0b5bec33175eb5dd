"""The authorization matrix: every URL pattern × every persona.

Each route is filled with objects belonging to the ``branch`` persona's branch. For every
persona the test knows whether a GET may answer 200; any other answer must be a denial
(404 for objects out of sight, 403 for objects in sight but not allowed, a login redirect or
401 for anonymous visitors). List pages that every user may open are checked for leaks:
``sibling`` must not find the branch's objects in them. A new route that is not in the table
fails the test, so every new view joins the matrix.
"""
import datetime
import json

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dangjian.care.services import hardship_case_open
from dangjian.dues.tests.factories import matrix_samples as dues_samples
from dangjian.grid.tests.request_samples import matrix_samples as request_samples
from dangjian.members.models import Member
from dangjian.organizations.models import LeadershipPost, Organization
from dangjian.orglife.calendar import feed_token
from dangjian.orglife.elections import election_plan
from dangjian.orglife.models import StudyNote
from dangjian.orglife.services import meeting_plan
from dangjian.pairings.tests.fixtures import matrix_samples as pairings_samples
from dangjian.privacy.tests.fixtures import matrix_samples as privacy_samples
from dangjian.recruitment.tests.factories import matrix_samples as recruitment_samples
from dangjian.transfers.tests.factories import matrix_samples as transfer_samples
from dangjian.volunteers.tests.factories import matrix_samples as volunteer_samples

PERSONAS = ["admin", "city", "organizer", "community", "branch", "sibling", "member", "auditor", "grid", "resident",
            "team", None]
LOGGED_IN = set(PERSONAS) - {None}
# Everyone with a place in the Party's organization (a subtree or a member record); grid staff, residents and
# service team members have neither.
PARTY = LOGGED_IN - {"grid", "resident", "team"}
VIEWERS = {"admin", "city", "organizer", "community", "branch", "member", "auditor"}
CHANGERS = {"admin", "city", "organizer", "community", "branch"}
DELETERS = {"admin", "city", "organizer"}
SECRETARIES_ANYWHERE = CHANGERS | {"sibling"}
AUDITORS = {"admin", "city", "organizer", "auditor"}
# Those with a subtree in view (overviews of organizational life): not ordinary members, grid staff, residents
# or team members, whose scope is personal, one grid or one team.
OVERSEERS = LOGGED_IN - {"member", "grid", "resident", "team"}
EVERYONE = set(PERSONAS)
# Grids (area A): the sample grid is 滨河's first grid, worked by the ``grid`` persona.
GRID_MANAGERS = {"admin", "city", "organizer", "community"}
GRID_SEERS = GRID_MANAGERS | {"auditor", "grid"}
GRID_WORKERS = GRID_MANAGERS | {"grid"}
# Sample objects the grid worker sees: a page there they may not use answers 403, not 404.
GRID_KINDS = {"grid", "building", "household"}
# Objects defined above the branch that reach every organization below it (assessment schemes): the sibling
# branch sees them too, so a page there it may not use answers 403, not 404.
SEEN_FROM_BELOW = {"assessment_scheme"}
# Objects of the system rather than of an organization (users, background task runs): pages on them are
# for administrators, and everyone else is refused (403), not told they are missing.
SYSTEM_KINDS = {"user", "task_result"}

# Those who see the sample assessment cycle (run by 江滨街道工作委员会 over 滨河社区党委): assessment app, A2.
CYCLE_SEERS = {"admin", "city", "organizer", "auditor", "community"}

# route name → (kind of object in the URL or None, personas whose GET answers 200, leak check)
# "method" marks routes that only accept POST: every GET must be refused.
MATRIX = {
    "home": (None, LOGGED_IN, True),
    "audit_log": (None, AUDITORS, True),
    "personal_data_report": (None, AUDITORS, True),
    "large_font": (None, "method", False),
    "healthz": (None, EVERYONE, False),
    "login": (None, {None}, False),
    "logout": (None, "method", False),
    "password_change": (None, LOGGED_IN, False),
    "password_change_done": (None, LOGGED_IN, False),
    "accounts:users": (None, {"admin"}, False),
    "accounts:password_reset": ("user", {"admin"}, False),
    "accounts:unlock": ("user", "method", False),  # accounts: sign-in security
    "accounts:otp": (None, LOGGED_IN, False),
    "accounts:otp_setup": (None, LOGGED_IN, False),
    "accounts:otp_verify": (None, LOGGED_IN, False),
    "accounts:otp_disable": (None, "method", False),
    "accounts:sso_refused": (None, EVERYONE, False),
    "tasks": (None, {"admin"}, False),  # background tasks: system administrators only
    "task_detail": ("task_result", {"admin"}, False),
    "task_retry": ("task_result", "method", False),
    "organizations:tree": (None, LOGGED_IN, True),
    "organizations:terms": (None, LOGGED_IN, True),
    "organizations:import": (None, SECRETARIES_ANYWHERE, False),
    "organizations:import_template": (None, SECRETARIES_ANYWHERE, False),
    "organizations:detail": ("org", VIEWERS, False),
    "organizations:children": ("org", VIEWERS, False),
    "organizations:history": ("org", VIEWERS, False),
    "organizations:create": ("org", CHANGERS, False),
    "organizations:edit": ("org", CHANGERS, False),
    "organizations:move": ("org", CHANGERS, False),
    "organizations:merge": ("org", DELETERS, False),
    "organizations:split": ("org", CHANGERS - {"branch"}, False),
    "organizations:dissolve": ("org", DELETERS, False),
    "organizations:post_add": ("org", CHANGERS, False),
    "organizations:post_end": ("post", CHANGERS, False),
    "members:list": (None, LOGGED_IN, True),
    "members:create": (None, SECRETARIES_ANYWHERE, False),
    "members:import": (None, SECRETARIES_ANYWHERE, False),
    "members:import_template": (None, SECRETARIES_ANYWHERE, False),
    "members:export": (None, SECRETARIES_ANYWHERE, True),
    "members:exports": (None, SECRETARIES_ANYWHERE, False),
    "members:export_download": ("export", {"branch"}, False),
    "members:detail": ("member", VIEWERS, False),
    "members:edit": ("member", CHANGERS, False),
    "members:move": ("member", CHANGERS, False),
    "members:history": ("member", VIEWERS, False),
    "members:reveal": ("member", CHANGERS, False),
    "members:duty_post_add": ("member", CHANGERS, False),
    "members:pledge_add": ("member", CHANGERS, False),
    "members:status_change": ("member", CHANGERS, False),
    "members:party_probation": ("member", CHANGERS, False),
    "members:lost_contact_open": ("member", CHANGERS, False),
    "members:duty_post_review": ("duty_post", CHANGERS, False),
    "members:duty_post_end": ("duty_post", CHANGERS, False),
    "members:pledge_progress": ("pledge", CHANGERS, False),
    "members:pledge_verdict": ("pledge", CHANGERS, False),
    "members:commitments": (None, PARTY, True),
    "members:anniversaries": (None, PARTY, True),
    "members:fifty_years": (None, OVERSEERS, True),
    "members:fifty_years_xlsx": (None, SECRETARIES_ANYWHERE, False),
    "members:cadres": (None, OVERSEERS, True),
    "members:cadre_add": (None, SECRETARIES_ANYWHERE, False),
    "members:cadre_detail": ("cadre", VIEWERS - {"member"}, False),
    "members:cadre_training": ("cadre", CHANGERS, False),
    "members:cadre_evaluation": ("cadre", CHANGERS, False),
    "members:cadre_appoint": ("cadre", CHANGERS, False),
    "members:cadre_leave": ("cadre", CHANGERS, False),
    "members:lost_contact": (None, OVERSEERS, True),
    "members:lost_contact_case": ("lost_case", VIEWERS - {"member"}, False),
    "members:lost_contact_search": ("lost_case", CHANGERS, False),
    "members:lost_contact_found": ("lost_case", CHANGERS, False),
    "members:lost_contact_handle": ("lost_case", CHANGERS, False),
    "v1:token": (None, "method", False),
    "v1:organization-list": (None, LOGGED_IN, True),
    "v1:organization-detail": ("org", VIEWERS, False),
    "v1:member-list": (None, LOGGED_IN, True),
    "v1:member-detail": ("member", VIEWERS, False),
    "v1:member-anniversaries": (None, LOGGED_IN, False),
    "v1:reserve-cadre-list": (None, LOGGED_IN, False),
    "v1:reserve-cadre-detail": ("cadre", VIEWERS - {"member"}, False),
    "v1:lost-contact-case-list": (None, LOGGED_IN, False),
    "v1:lost-contact-case-detail": ("lost_case", VIEWERS - {"member"}, False),
    "v1:meeting-list": (None, LOGGED_IN, True),
    "v1:meeting-detail": ("meeting", VIEWERS, False),
    "v1:meeting-record": ("meeting", "method", False),
    "v1:meeting-cancel": ("meeting", "method", False),
    "v1:meeting-sign-in": (None, "method", False),
    "v1:study-record-list": (None, LOGGED_IN, False),
    "v1:compliance": ("org", VIEWERS, False),  # ?org=<the branch>&year=<this year>
    "notices:list": (None, LOGGED_IN, True),
    "notices:publish": (None, SECRETARIES_ANYWHERE, False),
    "notices:detail": ("notice", VIEWERS, False),
    "notices:attachment": ("notice", VIEWERS, False),
    "notices:assignment_list": (None, LOGGED_IN, True),
    "notices:assignment_create": (None, SECRETARIES_ANYWHERE, False),
    "notices:assignment_detail": ("assignment", VIEWERS, False),
    "notices:assignment_report": ("assignment", CHANGERS, False),
    "notices:inbox": (None, LOGGED_IN, True),
    "notices:inbox_read": (None, "method", False),
    "orglife:list": (None, PARTY, True),
    "orglife:plan": (None, SECRETARIES_ANYWHERE, False),
    "orglife:detail": ("meeting", VIEWERS, False),
    "orglife:record": ("meeting", CHANGERS, False),
    "orglife:cancel": ("meeting", CHANGERS, False),
    "orglife:sign_in": (None, LOGGED_IN, False),
    "orglife:compliance": (None, OVERSEERS, True),
    "orglife:study": (None, OVERSEERS, True),
    "orglife:study_xlsx": (None, SECRETARIES_ANYWHERE, False),
    "orglife:meeting_docx": ("meeting", VIEWERS, False),
    "orglife:ledger_docx": (None, OVERSEERS, False),
    "orglife:attachment": ("attachment", VIEWERS, False),
    "orglife:calendar": (None, LOGGED_IN, False),
    "orglife:courses": (None, LOGGED_IN, False),
    "orglife:course_publish": (None, SECRETARIES_ANYWHERE, False),
    "orglife:course_finish": ("course", "method", False),
    "orglife:course_material": ("course", PARTY - {"sibling"}, False),
    "orglife:notes": (None, LOGGED_IN, True),
    "orglife:note_review": ("note", "method", False),
    "orglife:home_delivery": ("member", CHANGERS, False),
    "orglife:appraisals": (None, PARTY, True),
    "orglife:elections": (None, PARTY, True),
    "orglife:election": ("election", VIEWERS, False),
    "orglife:appraisal": ("appraisal", VIEWERS, False),
    "orglife:self_review": ("appraisal_entry", {"member"}, False),
    "orglife:feed": ("feed", EVERYONE, False),
    "recruitment:dashboard": (None, PARTY, True),
    "recruitment:create": (None, SECRETARIES_ANYWHERE, False),
    "recruitment:detail": ("applicant", VIEWERS, False),  # the member persona is the file's mentor
    "recruitment:edit": ("applicant", CHANGERS, False),
    "recruitment:step": ("applicant", CHANGERS, False),  # step 2
    "recruitment:step_correct": ("recruitment_step", CHANGERS, False),
    "recruitment:document_add": ("applicant", CHANGERS, False),
    "recruitment:document": ("recruitment_document", VIEWERS, False),
    "recruitment:contact_add": ("applicant", CHANGERS, False),
    "recruitment:contact_end": ("recruitment_contact", CHANGERS, False),
    "recruitment:notice_start": ("applicant", CHANGERS, False),
    "recruitment:notice_close": ("recruitment_notice", CHANGERS, False),
    "recruitment:extend": ("applicant", CHANGERS, False),
    "recruitment:cancel_probation": ("applicant", CHANGERS, False),
    "recruitment:stop": ("applicant", CHANGERS, False),
    "recruitment:resume": ("applicant", CHANGERS, False),
    "v1:recruitment-list": (None, LOGGED_IN, True),
    "v1:recruitment-detail": ("applicant", VIEWERS, False),
    "care:register": (None, OVERSEERS, True),
    "care:register_xlsx": (None, SECRETARIES_ANYWHERE, False),
    "care:open": (None, SECRETARIES_ANYWHERE, False),
    "care:case": ("case", CHANGERS | {"auditor"}, False),
    "care:support_add": ("case", CHANGERS, False),
    "care:close": ("case", CHANGERS, False),
    "care:visits": (None, OVERSEERS, True),
    "care:visit_batch": (None, SECRETARIES_ANYWHERE, False),
    "care:care_list": (None, OVERSEERS, True),
    "v1:hardship-case-list": (None, LOGGED_IN, True),
    "v1:hardship-case-detail": ("case", CHANGERS | {"auditor"}, False),
    "calendar": (None, LOGGED_IN, False),
    "calendar_day": (None, {"admin"}, False),
    "calendar_day_delete": (None, "method", False),
    "calendar_import": (None, {"admin"}, False),
    "calendar_template": (None, {"admin"}, False),
    "calendar_load": (None, "method", False),
    "calendar_year_confirm": (None, "method", False),
    "transfers:list": (None, LOGGED_IN, True),
    "transfers:send": ("member", CHANGERS, False),
    "transfers:receive_outside": (None, SECRETARIES_ANYWHERE, False),
    "transfers:detail": ("transfer", VIEWERS - {"member"}, False),  # sent to a village branch in the town
    "transfers:receive": ("transfer", {"admin", "city"}, False),  # only the receiving side
    "transfers:reject": ("transfer", {"admin", "city"}, False),
    "transfers:cancel": ("transfer", CHANGERS, False),  # only the sending side
    "transfers:reissue": ("transfer", CHANGERS, False),
    "transfers:return_slip": ("outgoing_transfer", CHANGERS, False),
    "transfers:letter": ("transfer", VIEWERS - {"member"}, False),
    "transfers:mobile_list": (None, LOGGED_IN, True),
    "transfers:mobile_register": ("member", CHANGERS, False),
    "transfers:temporary_branch": (None, SECRETARIES_ANYWHERE, False),
    "transfers:mobile_detail": ("mobile", VIEWERS - {"member"}, False),
    "transfers:mobile_return": ("mobile", CHANGERS, False),
    "transfers:mobile_activity": ("mobile", CHANGERS, False),
    "v1:transfer-list": (None, LOGGED_IN, True),
    "v1:transfer-detail": ("transfer", VIEWERS - {"member"}, False),
    "v1:transfer-receive": ("transfer", "method", False),
    "v1:transfer-reject": ("transfer", "method", False),
    "v1:transfer-cancel": ("transfer", "method", False),
    "dues:overview": (None, OVERSEERS, True),
    "dues:overview_xlsx": (None, SECRETARIES_ANYWHERE, False),
    "dues:ledger": (None, OVERSEERS, True),
    "dues:ledger_xlsx": (None, SECRETARIES_ANYWHERE, False),
    "dues:collect": (None, SECRETARIES_ANYWHERE, False),
    "dues:payment_correct": ("dues_payment", CHANGERS, False),
    "dues:member": ("member", VIEWERS - {"member"}, False),  # a branch-mate's dues are not the member's to see
    "dues:declare": ("member", CHANGERS, False),
    "dues:relief_request": ("member", CHANGERS, False),
    "dues:reliefs": (None, OVERSEERS, True),
    "dues:relief_review": ("dues_relief", CHANGERS - {"branch"}, False),  # the committee above approves
    "dues:calculator": (None, LOGGED_IN, False),
    "v1:dues-list": (None, LOGGED_IN, False),  # scoping checked in dangjian/dues/tests/test_api.py
    "v1:dues-detail": ("dues_payment", VIEWERS - {"member"}, False),
    "v1:dues-calculate": (None, LOGGED_IN, False),  # ?category=employed&base=3000
    # Requests (grid helper B): staff pages, resident pages, the requests API.
    "grid:requests": (None, OVERSEERS | {"grid", "team"}, True),
    "grid:request_new": (None, {"admin", "city", "organizer", "community", "grid"}, False),
    "grid:request": ("service_request", {"admin", "city", "organizer", "community", "auditor", "grid", "team"}, False),
    "grid:request_step": ("service_request", "method", False),
    "grid:request_reveal": ("service_request", "method", False),
    "grid:request_attachment": ("request_attachment", {"admin", "city", "organizer", "community", "auditor", "grid",
                                                       "team"}, False),
    "grid:supervision": (None, SECRETARIES_ANYWHERE, False),
    "grid:my_requests": (None, LOGGED_IN, False),
    "grid:my_request_new": (None, LOGGED_IN, False),
    "grid:my_request": ("own_request", {"resident"}, False),
    "v1:request-list": (None, LOGGED_IN, False),
    "v1:request-detail": ("service_request", {"admin", "city", "organizer", "community", "auditor", "grid", "team"},
                          False),
    "v1:request-transitions": ("service_request", {"admin", "city", "organizer", "community", "auditor", "grid",
                                                   "team"}, False),
    # Open311 (grid helper C): the client admin pages, and the public GeoReport v2 endpoints (no login,
    # answered as JSON for one demo request; personal data kept out is checked in dangjian/grid/tests/test_open311.py).
    "grid:clients": (None, DELETERS, False),
    "grid:client_new": (None, DELETERS, False),
    "grid:client_revoke": (None, "method", False),
    "open311:discovery": ("open311", EVERYONE, False),
    "open311:services": ("open311", EVERYONE, False),
    "open311:service_definition": ("open311", EVERYONE, False),
    "open311:requests": ("open311", EVERYONE, False),
    "open311:request": ("open311", EVERYONE, False),
    "open311:token": ("open311", EVERYONE, False),
    # Grids, buildings, households, visits, grid staff (area A)
    "grid:mine": (None, LOGGED_IN, False),
    "grid:grids": (None, GRID_SEERS | {"branch", "sibling"}, True),  # secretaries see an empty list
    "grid:grid_create": (None, GRID_MANAGERS, False),
    "grid:grid": ("grid", GRID_SEERS, False),
    "grid:grid_edit": ("grid", GRID_MANAGERS, False),
    "grid:building_add": ("grid", GRID_MANAGERS, False),
    "grid:building_edit": ("building", GRID_MANAGERS, False),
    "grid:staff": ("grid", GRID_MANAGERS, False),
    "grid:households": ("grid", GRID_SEERS, False),
    "grid:household": ("household", GRID_SEERS, False),
    "grid:household_add": ("grid", GRID_WORKERS, False),
    "grid:household_edit": ("household", GRID_WORKERS, False),
    "grid:household_reveal": ("household", "method", False),
    "grid:visit_add": ("grid", GRID_WORKERS, False),
    # Households import (grid helper F): whoever may add households to the grid.
    "grid:households_import": ("grid", GRID_WORKERS, False),
    "grid:households_template": ("grid", GRID_WORKERS, False),
    "v1:grid-list": (None, LOGGED_IN, True),
    "v1:grid-detail": ("grid", GRID_SEERS, False),
    "v1:household-list": (None, LOGGED_IN, True),
    "v1:household-detail": ("household", GRID_SEERS, False),
    # Teams, categories and indicators (area D): the sample team is a fresh team of 滨河社区 that the
    # ``team`` persona is not on; categories are for administrators.
    "grid:teams": (None, OVERSEERS | {"team"}, False),
    "grid:team_create": (None, {"admin", "city", "organizer", "community"}, False),
    "grid:team": ("service_team", {"admin", "city", "organizer", "community", "auditor"}, False),
    "grid:team_edit": ("service_team", {"admin", "city", "organizer", "community"}, False),
    "grid:team_member_add": ("service_team", {"admin", "city", "organizer", "community"}, False),
    "grid:team_member_edit": ("team_member", {"admin", "city", "organizer", "community"}, False),
    "grid:categories": (None, {"admin"}, False),
    "grid:category_create": (None, {"admin"}, False),
    "grid:category_edit": (None, {"admin"}, False),  # the first category (see url_for)
    "grid:indicators": (None, OVERSEERS, False),
    "v1:request-indicators": ("org", VIEWERS - {"member"}, False),  # ?org=<the branch>&month=<this month>
    # Pairings and hardship funds (pairings app): keepers over the branch, auditors read; members see only
    # their own pairings (the sample is another member's).
    "pairings:list": (None, PARTY, True),
    "pairings:new": (None, SECRETARIES_ANYWHERE, False),
    "pairings:detail": ("pairing", CHANGERS | {"auditor"}, False),
    "pairings:visit": ("pairing", CHANGERS, False),
    "pairings:end": ("pairing", CHANGERS, False),
    "pairings:funds": (None, OVERSEERS, True),
    "pairings:fund_new": (None, SECRETARIES_ANYWHERE, False),
    "pairings:ledger": ("fund", CHANGERS | {"auditor"}, False),
    "pairings:ledger_xlsx": ("fund", CHANGERS, False),
    "pairings:income": ("fund", CHANGERS, False),
    "pairings:payment": ("fund", CHANGERS, False),
    "v1:pairing-list": (None, LOGGED_IN, True),
    "v1:pairing-detail": ("pairing", CHANGERS | {"auditor"}, False),
    # Service centres (centres app): a station of 滨河社区党委 with one item and one representative day. The
    # catalogue is public; staff pages are for those whose subtree holds the station; anyone logged in books.
    "centres:catalogue": (None, EVERYONE, False),
    "centres:catalogue_centre": ("service_centre", EVERYONE, False),
    "centres:centres": (None, LOGGED_IN, True),
    "centres:centre_new": (None, SECRETARIES_ANYWHERE, False),
    "centres:centre": ("service_centre", GRID_MANAGERS | {"auditor"}, False),
    "centres:centre_edit": ("service_centre", GRID_MANAGERS, False),
    "centres:item_add": ("service_centre", GRID_MANAGERS, False),
    "centres:item_edit": ("centre_item", GRID_MANAGERS, False),
    "centres:bookings": ("service_centre", GRID_MANAGERS | {"auditor"}, False),
    "centres:booking_step": (None, "method", False),
    "centres:records": ("service_centre", GRID_MANAGERS | {"auditor"}, False),
    "centres:record_add": ("service_centre", GRID_MANAGERS, False),
    "centres:rep_day_add": ("service_centre", GRID_MANAGERS, False),
    "centres:rep_visit_add": ("centre_rep_day", GRID_MANAGERS, False),
    "centres:book": ("service_centre", LOGGED_IN, False),
    "centres:my_bookings": (None, LOGGED_IN, False),
    "v1:service-centre-list": (None, LOGGED_IN, False),
    "v1:service-centre-detail": ("service_centre", GRID_MANAGERS | {"auditor"}, False),
    # Co-building (cobuilding app): a partner unit of 滨河社区党委 with a resource, a booking of it and the
    # community's brand. Seen by those whose subtree holds the community, kept by its secretaries and above;
    # the brand page is public.
    "cobuilding:index": (None, OVERSEERS, False),
    "cobuilding:units": (None, OVERSEERS, False),
    "cobuilding:unit_new": (None, GRID_MANAGERS, False),
    "cobuilding:unit": ("partner_unit", GRID_MANAGERS | {"auditor"}, False),
    "cobuilding:unit_reveal": ("partner_unit", "method", False),
    "cobuilding:resource_add": ("partner_unit", GRID_MANAGERS, False),
    "cobuilding:registrations": (None, OVERSEERS, False),
    "cobuilding:member_register": (None, GRID_MANAGERS, False),
    "cobuilding:bookings": (None, OVERSEERS, False),
    "cobuilding:booking_new": ("unit_resource", GRID_MANAGERS, False),
    "cobuilding:booking_step": ("resource_booking", "method", False),
    "cobuilding:projects": (None, OVERSEERS, False),
    "cobuilding:project_new": (None, GRID_MANAGERS, False),
    "cobuilding:agreements": (None, OVERSEERS, False),
    "cobuilding:agreement_new": (None, GRID_MANAGERS, False),
    "cobuilding:brand": ("community_org", EVERYONE, False),
    "cobuilding:brand_edit": ("community_org", GRID_MANAGERS, False),
    "cobuilding:brand_activity_add": ("community_org", "method", False),
    "v1:partner-unit-list": (None, LOGGED_IN, False),
    "v1:partner-unit-detail": ("partner_unit", GRID_MANAGERS | {"auditor"}, False),
    # Small wishes (wishes app): "wish" is the resident persona's wish in 滨河社区's first grid awaiting review
    # (seen by those over the community, the grid worker and the resident); "wish_done" a fulfilled wish with
    # its photo (also seen by the community's Party members); the board of 滨河社区党委 is public.
    "wishes:board": ("wish_community", EVERYONE, False),
    "wishes:mine": (None, LOGGED_IN, False),
    "wishes:new": (None, LOGGED_IN, False),
    "wishes:review": (None, SECRETARIES_ANYWHERE, False),
    "wishes:claimable": (None, LOGGED_IN, False),
    "wishes:detail": ("wish", GRID_MANAGERS | {"auditor", "grid", "resident"}, False),
    "wishes:decide": ("wish", GRID_MANAGERS, False),
    "wishes:claim": ("wish", GRID_MANAGERS, False),
    "wishes:fulfil": ("wish", GRID_MANAGERS, False),
    "wishes:thank": ("wish", {"resident"}, False),
    "wishes:release": ("wish", "method", False),
    "wishes:photo": ("wish_done", LOGGED_IN - {"team"}, False),
    "v1:wish-list": (None, LOGGED_IN, False),
    "v1:wish-detail": ("wish", GRID_MANAGERS | {"auditor", "grid", "resident"}, False),
    "v1:wish-claim": ("wish", "method", False),
    "v1:wish-fulfil": ("wish", "method", False),
    # Volunteering (volunteers app): the sample team is a fresh team of 滨河社区党委 that no persona is on.
    "volunteers:teams": (None, LOGGED_IN, False),
    "volunteers:team_create": (None, SECRETARIES_ANYWHERE, False),
    "volunteers:team": ("volunteer_team", {"admin", "city", "organizer", "community", "auditor"}, False),
    "volunteers:volunteer_add": ("volunteer_team", {"admin", "city", "organizer", "community"}, False),
    "volunteers:activity_create": ("volunteer_team", {"admin", "city", "organizer", "community"}, False),
    "volunteers:commend": ("volunteer_team", {"admin", "city", "organizer", "community"}, False),
    "volunteers:activity": ("volunteer_activity", {"admin", "city", "organizer", "community", "auditor"}, False),
    "volunteers:signup": ("volunteer_activity", "method", False),
    "volunteers:activity_cancel": ("volunteer_activity", "method", False),
    "volunteers:activity_close": ("volunteer_activity", "method", False),
    "volunteers:signup_step": ("volunteer_signup", "method", False),
    "volunteers:mine": (None, LOGGED_IN, False),
    "volunteers:checkin": (None, LOGGED_IN, False),
    "volunteers:figures": (None, OVERSEERS, False),
    "v1:volunteer-team-list": (None, LOGGED_IN, False),
    "v1:volunteer-team-detail": ("volunteer_team", {"admin", "city", "organizer", "community", "auditor"}, False),
    "v1:volunteer-activity-list": (None, LOGGED_IN, False),
    "v1:volunteer-activity-detail": ("volunteer_activity", {"admin", "city", "organizer", "community", "auditor"},
                                     False),
    "v1:volunteer-activity-signup": ("volunteer_activity", "method", False),
    "v1:volunteer-activity-checkin": ("volunteer_activity", "method", False),
    # Assessment cycles API (assessment app, A1): a tiering cycle run by 江滨街道工作委员会 over 滨河社区党委; seen by
    # those over the street and by the community's secretary (rated in it), not by the branch secretaries.
    "v1:assessment-cycle-list": (None, LOGGED_IN, True),
    "v1:assessment-cycle-detail": ("assessment_cycle", {"admin", "city", "organizer", "auditor", "community"}, False),
    # Assessment cycle pages (assessment app, A2): the same cycle, its assessment of 滨河社区党委, one judged result
    # and a file offered as evidence for it; seen by those over the street and by the community's secretary; the
    # exports are for those who may export over the street; writes are POST only. The history is the branch's.
    "assessment:cycles": (None, LOGGED_IN, True),
    "assessment:cycle_open": (None, {"admin", "city", "organizer", "community"}, False),
    "assessment:cycle": ("assessment_cycle", CYCLE_SEERS, False),
    "assessment:cycle_measure": ("assessment_cycle", "method", False),
    "assessment:cycle_close": ("assessment_cycle", "method", False),
    "assessment:cycle_xlsx": ("assessment_cycle", {"admin", "city", "organizer"}, False),
    "assessment:cycle_docx": ("assessment_cycle", {"admin", "city", "organizer"}, False),
    "assessment:assessment": ("assessment", CYCLE_SEERS, False),
    "assessment:assessment_step": ("assessment", "method", False),
    "assessment:result_record": ("criterion_result", "method", False),
    "assessment:result_review": ("criterion_result", "method", False),
    "assessment:evidence_add": ("criterion_result", "method", False),
    "assessment:evidence_file": ("assessment_evidence", CYCLE_SEERS, False),
    "assessment:org_history": ("org", VIEWERS, False),
    # Follow-up (assessment app, D): a rectification task of 滨河社区第一党支部 submitted by the branch (the community
    # accepts), a review round of 滨河社区党委 for its branches and the first branch's report (its members rate it).
    "assessment:rectifications": (None, OVERSEERS, True),
    "assessment:rectification_create": (None, SECRETARIES_ANYWHERE, False),
    "assessment:rectifications_xlsx": (None, SECRETARIES_ANYWHERE, False),
    "assessment:rectification": ("rectification", VIEWERS - {"member"}, False),
    "assessment:rectification_file": ("rectification", VIEWERS - {"member"}, False),
    "assessment:review_rounds": (None, LOGGED_IN, True),
    "assessment:review_round_create": (None, SECRETARIES_ANYWHERE, False),
    "assessment:review_round": ("review_round", {"admin", "city", "organizer", "community", "auditor"}, False),
    "assessment:review_round_xlsx": ("review_round", {"admin", "city", "organizer", "community"}, False),
    "assessment:work_report": ("work_report", VIEWERS, False),
    "assessment:work_report_file": ("work_report", VIEWERS, False),
    # Surveys (assessment app, C): an open members survey of 滨河社区党委 ("survey"; "survey_key" is its public link),
    # managed and read by those over the community; its answer page and the answer API answer every logged-in user
    # (the form for its audience, a plain message for others); anonymous visitors go to the login page.
    "assessment:surveys": (None, LOGGED_IN, True),
    "assessment:survey_create": (None, SECRETARIES_ANYWHERE, False),
    "assessment:survey": ("survey", GRID_MANAGERS | {"auditor"}, False),
    "assessment:survey_edit": ("survey", GRID_MANAGERS, False),
    "assessment:survey_step": ("survey", "method", False),
    "assessment:survey_question_add": ("survey", GRID_MANAGERS, False),
    "assessment:survey_question_edit": ("survey_question", GRID_MANAGERS, False),
    "assessment:survey_question_delete": ("survey_question", "method", False),
    "assessment:survey_question_move": ("survey_question", "method", False),
    "assessment:survey_ballots": ("survey", GRID_MANAGERS, False),
    "assessment:survey_results": ("survey", GRID_MANAGERS | {"auditor"}, False),
    "assessment:survey_xlsx": ("survey", GRID_MANAGERS, False),
    "assessment:survey_answer": ("survey_key", LOGGED_IN, False),
    "assessment:survey_thanks": ("survey_key", EVERYONE, False),
    "v1:survey-list": (None, LOGGED_IN, False),
    "v1:survey-detail": ("survey", GRID_MANAGERS | {"auditor"}, False),
    "v1:survey-answer": ("survey_key", LOGGED_IN, False),
    "v1:rectification-list": (None, LOGGED_IN, False),
    "v1:rectification-detail": ("rectification", VIEWERS - {"member"}, False),
    # Schemes (assessment app, B): a draft copy of community-tiers owned by 江滨街道工作委员会. Those over the street
    # change it; every organization below sees the schemes defined above it (the sibling branch too, see
    # SEEN_FROM_BELOW); copy, publish and retire are POST only.
    "assessment:schemes": (None, LOGGED_IN, False),
    "assessment:scheme": ("assessment_scheme", VIEWERS | {"sibling"}, False),
    "assessment:scheme_copy": ("assessment_scheme", "method", False),
    "assessment:scheme_edit": ("assessment_scheme", {"admin", "city", "organizer"}, False),
    "assessment:scheme_publish": ("assessment_scheme", "method", False),
    "assessment:scheme_retire": ("assessment_scheme", "method", False),
    "v1:assessment-scheme-list": (None, LOGGED_IN, False),
    "v1:assessment-scheme-detail": ("assessment_scheme", VIEWERS | {"sibling"}, False),
    # Affair admission (coverage app, D): a draft request of 江滨街道工作委员会 concerning 滨河社区党委
    # ("affair_admission", seen by those over the street and by the community; changed by those over the street),
    # a draft procedure copied by the street ("admission_procedure") and the street's public list of admitted
    # tasks ("admission_authority"), which anyone reads without logging in.
    "coverage:affairs": (None, LOGGED_IN, False),
    "coverage:affair_new": (None, {"admin", "city", "organizer"}, False),
    "coverage:affair": ("affair_admission", CYCLE_SEERS, False),
    "coverage:affair_edit": ("affair_admission", {"admin", "city", "organizer"}, False),
    "coverage:affair_act": ("affair_admission", "method", False),
    "coverage:affair_renew": ("affair_admission", "method", False),
    "coverage:affairs_public": ("admission_authority", EVERYONE, False),
    "coverage:procedures": (None, LOGGED_IN, False),
    "coverage:procedure": ("admission_procedure", {"admin", "city", "organizer", "auditor"}, False),
    "coverage:procedure_copy": ("admission_procedure", "method", False),
    "coverage:procedure_edit": ("admission_procedure", {"admin", "city", "organizer"}, False),
    "coverage:procedure_publish": ("admission_procedure", "method", False),
    "v1:affair-admission-list": (None, LOGGED_IN, False),
    "v1:affair-admission-detail": ("affair_admission", CYCLE_SEERS, False),
    # Office buildings (coverage app, buildings part): a building of 滨河社区党委 with a tenant, a service desk and
    # one service record of it. Those over the community see and keep them (the auditor only sees); the list
    # answers everyone with a subtree; reveal, record, close and settle are POST only.
    "coverage:buildings": (None, OVERSEERS, False),
    "coverage:building_new": (None, GRID_MANAGERS, False),
    "coverage:building": ("office_building", GRID_MANAGERS | {"auditor"}, False),
    "coverage:building_edit": ("office_building", GRID_MANAGERS, False),
    "coverage:building_reveal": ("office_building", "method", False),
    "coverage:building_joint_form": ("office_building", GRID_MANAGERS, False),
    "coverage:building_joint_join": ("office_building", GRID_MANAGERS, False),
    "coverage:desk_new": ("office_building", GRID_MANAGERS, False),
    "coverage:events": ("office_building", GRID_MANAGERS | {"auditor"}, False),
    "coverage:event_new": ("office_building", GRID_MANAGERS, False),
    "coverage:desk": ("service_desk", GRID_MANAGERS | {"auditor"}, False),
    "coverage:desk_service_add": ("service_desk", "method", False),
    "coverage:desk_close": ("service_desk", "method", False),
    "coverage:desk_service_settle": ("desk_service", "method", False),
    "v1:office-building-list": (None, LOGGED_IN, False),
    "v1:office-building-detail": ("office_building", GRID_MANAGERS | {"auditor"}, False),
    # Weekday themes (coverage app, E): 滨河社区党委's plan in force today, a task for today and the community
    # persona's log. Those whose subtree covers the community see the plan; its cadres (not the auditor) log.
    "coverage:themes": (None, OVERSEERS, True),
    "coverage:theme_plan_new": (None, GRID_MANAGERS, False),
    "coverage:theme_plan": ("theme_plan", GRID_MANAGERS | {"auditor"}, False),
    "coverage:theme_plan_edit": ("theme_plan", GRID_MANAGERS, False),
    "coverage:theme_plan_end": ("theme_plan", "method", False),
    "coverage:theme_task_add": ("theme_plan", "method", False),
    "coverage:theme_task_remove": ("theme_task", "method", False),
    "coverage:theme_log": (None, GRID_MANAGERS, False),
    "coverage:theme_log_delete": ("theme_log", "method", False),
    "coverage:theme_logs_xlsx": ("theme_plan", GRID_MANAGERS, False),
    # Firm register (coverage app, firms part): a firm of 滨河社区党委's area, seen by those over the community and by
    # auditors, kept by the community's secretary and above; lists open to those with a subtree; exports for those
    # who may export; the branch secretaries (no community in their add scope) may not register or import.
    "coverage:firms": (None, OVERSEERS, True),
    "coverage:firms_ready": (None, OVERSEERS, True),
    "coverage:firm_new": (None, GRID_MANAGERS, False),
    "coverage:firms_import": (None, GRID_MANAGERS, False),
    "coverage:firms_import_template": (None, GRID_MANAGERS, False),
    "coverage:firms_xlsx": (None, SECRETARIES_ANYWHERE, False),
    "coverage:firm": ("firm", GRID_MANAGERS | {"auditor"}, False),
    "coverage:firm_edit": ("firm", GRID_MANAGERS, False),
    "coverage:firm_survey_add": ("firm", GRID_MANAGERS, False),
    "coverage:firm_staff": ("firm", GRID_MANAGERS, False),
    "coverage:firm_branch_form": ("firm", GRID_MANAGERS, False),
    "v1:firm-list": (None, LOGGED_IN, True),
    "v1:firm-detail": ("firm", GRID_MANAGERS | {"auditor"}, False),
    # Coverage app, contacts part (C): a key firm of 滨河社区党委's area whose contact leader is the ``member`` persona
    # ("firm_assignment", appointed by the community) with a contact ("contact_log"); statistics of the chosen area.
    "coverage:assignments": (None, PARTY, True),
    "coverage:assignment_new": (None, GRID_MANAGERS, False),
    "coverage:assignment": ("firm_assignment", {"admin", "city", "organizer", "community", "auditor", "member"}, False),
    "coverage:assignment_end": ("firm_assignment", "method", False),
    "coverage:contact_add": ("firm_assignment", "method", False),
    "coverage:contact_solve": ("contact_log", "method", False),
    "coverage:dual": (None, OVERSEERS, False),
    "coverage:stats": (None, OVERSEERS, False),
    "coverage:stats_xlsx": (None, SECRETARIES_ANYWHERE, False),
    "v1:coverage-stats": ("coverage_org", {"admin", "city", "organizer", "community", "auditor"}, False),
    # Statistics and reports (reports app): dashboards, records behind figures and the 大屏 for those with a subtree;
    # a report table by code; an inspection pack requested by the ``branch`` persona ("pack", only the requester);
    # the monthly summary of 滨河社区党委 ("monthly_summary"); the stats API about the branch ("stats_org").
    "reports:dashboard": (None, OVERSEERS, False),
    "reports:figure": (None, OVERSEERS, False),
    "reports:organizations": (None, OVERSEERS, False),
    "reports:members": (None, OVERSEERS, True),
    "reports:screen": (None, OVERSEERS, False),
    "reports:tables": (None, OVERSEERS, False),
    "reports:table": (None, OVERSEERS, False),
    "reports:table_xlsx": (None, OVERSEERS, False),
    "reports:packs": (None, OVERSEERS, False),
    "reports:pack_status": ("pack", {"branch"}, False),
    "reports:pack_download": ("pack", {"branch"}, False),
    "reports:monthly": (None, OVERSEERS, False),
    "reports:monthly_detail": ("monthly_summary", CYCLE_SEERS, False),
    "v1:stats-overview": ("stats_org", {"admin", "city", "organizer", "community", "branch", "auditor"}, False),
    "v1:stats-breakdown": ("stats_org", {"admin", "city", "organizer", "community", "branch", "auditor"}, False),
    "v1:stats-figures": (None, LOGGED_IN, False),
    "api-schema": (None, EVERYONE, False),
    "api-docs": (None, EVERYONE, False),
    # Residents' personal information (privacy app): the public notice; one's own data, its download and the
    # request form (POST only) for every signed-in user; the handling queue and a request for administrators.
    "privacy:notice": (None, EVERYONE, False),
    "privacy:mine": (None, LOGGED_IN, False),
    "privacy:mine_download": (None, LOGGED_IN, False),
    "privacy:request_new": (None, "method", False),
    "privacy:queue": (None, {"admin"}, False),
    "privacy:request": ("privacy_request", {"admin"}, False),
}


def route_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = ":".join(x for x in (namespace, pattern.namespace) if x)
            yield from route_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_route_is_in_the_matrix():
    missing = sorted(set(route_names()) - set(MATRIX))
    assert not missing, f"Add these routes to the authorization matrix: {missing}"


def sample_objects(personas):
    """Objects that belong to the ``branch`` persona's branch."""
    from dangjian.core.models import Export

    branch = Organization.objects.get(name="滨河社区第一党支部")
    member = branch.members.exclude(user__isnull=False).order_by("id").first()
    export = Export.objects.create(requested_by=personas["branch"], kind="members", params={}, row_count=0)
    meeting = meeting_plan(actor=None, organization=branch, kind="theme_day", topic="主题党日",
                           starts_at=timezone.now() - datetime.timedelta(days=1))
    notice, assignment = _notice_and_assignment(personas, branch)
    return {
        "org": branch,
        "member": member,
        "post": LeadershipPost.objects.filter(organization=branch).first(),
        "user": personas["branch"],
        "export": export,
        "notice": notice,
        "assignment": assignment,
        "meeting": meeting,
        "course": study_course(branch),
        **appraisal_samples(personas, branch),
        "election": election_plan(actor=None, organization=branch, planned_on=timezone.localdate()),
        "note": StudyNote.objects.create(member=member, title="自学", content="学习体会" * 10, hours=1,
                                         studied_on=timezone.localdate()),
        "attachment": meeting.attachments.create(file=ContentFile(b"photo", name="matrix.jpg"), title="matrix.jpg"),
        "case": hardship_case_open(actor=None, member=member, kinds=["illness"], situation="住院治疗",
                                   since=timezone.localdate()),
        **recruitment_samples(personas, branch),
        **transfer_samples(personas, branch),
        **dues_samples(personas, branch, member),
        **member_follow_up_samples(branch, member),
        **team_samples(),
        **request_samples(personas),
        **grid_samples(),
        **volunteer_samples(personas),
        **centre_samples(),
        **cobuilding_samples(),
        **pairings_samples(personas, branch),
        **wish_samples(personas),
        **assessment_cycle_samples(personas),
        **assessment_evidence_samples(),
        **followup_samples(personas),
        **survey_samples(personas),
        **assessment_scheme_samples(personas),
        **coverage_samples(personas),
        **reports_samples(personas, branch),
        **privacy_samples(personas),
    }


def reports_samples(personas, branch):
    """An inspection pack of the branch, the monthly summary of 滨河社区党委 (reports app)."""
    from dangjian.reports.tests.fixtures import matrix_samples as reports

    return {**reports(personas), "stats_org": branch}


def coverage_samples(personas):
    """Firms, buildings, assignments, admissions and theme plans of 滨河社区党委's area (coverage app)."""
    from dangjian.coverage.tests import fixtures_admission, fixtures_buildings, fixtures_contacts, fixtures_firms, fixtures_themes

    samples = {}
    for part in (fixtures_firms, fixtures_buildings, fixtures_contacts, fixtures_admission, fixtures_themes):
        samples.update(part.matrix_samples(personas))
    return samples


def assessment_scheme_samples(personas):
    """A draft copy of community-tiers owned by 江滨街道工作委员会 (assessment app, B)."""
    from dangjian.assessment.tests.fixtures_schemes import matrix_samples as schemes

    return schemes(personas)


def survey_samples(personas):
    """An open members survey of 滨河社区党委 with one question (assessment app, C)."""
    from dangjian.assessment.tests.fixtures_surveys import matrix_samples as surveys

    return surveys(personas)


def followup_samples(personas):
    """A rectification task, a review round and a work report of 滨河's first branch (assessment app, D)."""
    from dangjian.assessment.tests.fixtures_followup import matrix_samples as followup

    return followup(personas)


def assessment_cycle_samples(personas):
    """A tiering cycle run by 江滨街道工作委员会 over 滨河社区党委, its assessment and a result (assessment app)."""
    from dangjian.assessment.tests.fixtures_cycles import matrix_samples as cycles

    return cycles(personas)


def assessment_evidence_samples():
    """A file offered as evidence for the sample cycle's judged result (assessment cycle pages, A2)."""
    from dangjian.assessment.models import CriterionResult
    from dangjian.assessment.services_cycles import evidence_add

    result = (CriterionResult.objects.filter(assessment__cycle__name="矩阵社区分类定级", criterion__indicator="")
              .order_by("-assessment__cycle_id", "criterion__order").first())
    evidence = evidence_add(actor=None, result=result, kind="file", file=ContentFile(b"%PDF-1.4", name="matrix.pdf"))
    return {"assessment_evidence": evidence}


def wish_samples(personas):
    """A wish awaiting review, a fulfilled wish with its photo, and their community (wishes app)."""
    from dangjian.wishes.tests.fixtures import matrix_samples as wishes

    return wishes(personas)


def cobuilding_samples():
    """A partner unit of 滨河社区党委 with a resource and a booking, and the community's brand (cobuilding app)."""
    from dangjian.cobuilding.tests.fixtures import matrix_samples as cobuilding

    return cobuilding()


def grid_samples():
    """滨河's first grid (the ``grid`` persona's), one of its buildings and a household there (area A)."""
    from dangjian.grid.models import Grid

    grid = Grid.objects.get(code="JB0101")
    building = grid.buildings.order_by("name").first()
    return {"grid": grid, "building": building, "household": building.households.order_by("room").first()}


def centre_samples():
    """A service station of 滨河社区党委 with one service and one representative day (centres app)."""
    from dangjian.centres.services import centre_create, item_create, representative_day_add

    station = centre_create(actor=None, name="矩阵服务站", kind="station",
                            organization=Organization.objects.get(name="滨河社区党委"), address="滨河路1号",
                            open_days=[0, 1, 2, 3, 4], opens=datetime.time(9), closes=datetime.time(17))
    item = item_create(actor=None, centre=station, name="法律咨询", duration=30, capacity=1)
    rep_day = representative_day_add(actor=None, centre=station, day=timezone.localdate(), starts=datetime.time(9),
                                     ends=datetime.time(11), delegate_name="矩阵代表")
    return {"service_centre": station, "centre_item": item, "centre_rep_day": rep_day}


def team_samples():
    """A service team of 滨河社区 with one member (no account): the ``team`` persona is not on it."""
    from dangjian.grid.choices import TeamLevel, TeamUnitKind
    from dangjian.grid.models import ServiceTeam, TeamMember

    team = ServiceTeam.objects.create(organization=Organization.objects.get(name="滨河社区党委"), name="矩阵专班",
                                      level=TeamLevel.COMMUNITY)
    member = TeamMember.objects.create(team=team, name="矩阵成员", unit_kind=TeamUnitKind.POLICE)
    return {"service_team": team, "team_member": member}


def member_follow_up_samples(branch, member):
    """A duty and a pledge of the sample member, a reserve cadre and a lost-contact case of the branch."""
    from dangjian.members.cadres import reserve_cadre_add
    from dangjian.members.lost_contact import lost_contact_open
    from dangjian.members.services import duty_post_create, pledge_create
    from dangjian.organizations.models import PostKind

    today = timezone.localdate()
    others = branch.members.filter(status="full", user__isnull=True).exclude(pk=member.pk).order_by("id")
    return {
        "duty_post": duty_post_create(actor=None, member=member, title="楼栋联络员", started_on=today),
        "pledge": pledge_create(actor=None, member=member, year=today.year, content="每月参加志愿服务"),
        "cadre": reserve_cadre_add(actor=None, organization=branch, member=others[0], added_on=today,
                                   intended_kind=PostKind.objects.get(code="secretary")),
        "lost_case": lost_contact_open(actor=None, member=others[1], since=today),
    }


def appraisal_samples(personas, branch):
    """The branch's appraisal, and the entry of the ``member`` persona in it."""
    from dangjian.orglife.appraisal import appraisal_open

    appraisal = appraisal_open(actor=None, organization=branch, year=2026)
    return {"appraisal": appraisal, "appraisal_entry": appraisal.entries.get(member__user=personas["member"])}


def study_course(branch):
    """A course published by the branch, with material: the sibling branch does not see it."""
    from dangjian.orglife.models import Course

    return Course.objects.create(organization=branch, title="微党课", hours=1, material=ContentFile(b"x", name="m.pdf"))


def _notice_and_assignment(personas, branch):
    """A notice (with an attachment) and an assignment from the community committee to the branch."""
    import datetime

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from dangjian.notices.models import Assignment, AssignmentReport, Notice

    community = Organization.objects.get(name="滨河社区党委")
    attachment = "notices/matrix-sample.txt"
    if not default_storage.exists(attachment):
        default_storage.save(attachment, ContentFile(b"sample"))
    notice = Notice.objects.create(organization=community, title="Matrix notice", body="-", attachment=attachment)
    notice.targets.set([branch])
    assignment = Assignment.objects.create(organization=community, title="Matrix assignment", description="-",
                                           due_on=datetime.date(2030, 1, 1))
    assignment.targets.set([branch])
    AssignmentReport.objects.create(assignment=assignment, organization=branch)
    return notice, assignment


def url_for(name, kind, objects):
    if kind == "survey_key":  # a survey's public link (assessment app, C)
        return reverse(name, kwargs={"key": objects["survey"].key})
    if name == "v1:dues-calculate":
        return f"{reverse(name)}?category=employed&base=3000"
    if name == "v1:compliance":
        return f"{reverse(name)}?org={objects[kind].pk}&year={timezone.localdate().year}"
    if name == "centres:booking_step":  # POST only
        return reverse(name, args=[0, "attended"])
    if name == "grid:client_revoke":  # POST only: refused before the client is looked up
        return reverse(name, args=[0])
    if kind == "open311":
        return open311_url(name, objects["service_request"])
    if name == "reports:figure":  # reports app: the figure drilled into
        return reverse(name, args=["members.by_gender"])
    if name in ("reports:table", "reports:table_xlsx"):  # reports app: a standard yearly table
        return reverse(name, args=["member-counts"])
    if name in ("v1:stats-overview", "v1:stats-breakdown"):  # reports app: the subtree is named
        extra = "&figure=members.total" if name == "v1:stats-breakdown" else ""
        return f"{reverse(name)}?org={objects[kind].pk}{extra}"
    if name == "v1:coverage-stats":  # coverage app, contacts part: the area is named
        return f"{reverse(name)}?org={objects[kind].pk}"
    if name == "v1:request-indicators":
        return f"{reverse(name)}?org={objects[kind].pk}&month={timezone.localdate():%Y-%m}"
    if name == "grid:category_edit":
        from dangjian.grid.models import RequestCategory

        return reverse(name, kwargs={"pk": RequestCategory.objects.order_by("pk").first().pk})
    if kind is None:
        return reverse(name)
    if kind == "task_result":  # a finished background task run
        from django_tasks_db.models import DBTaskResult, get_date_max

        from dangjian.core.tasks import worker_heartbeat

        result = DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path=worker_heartbeat.module_path,
                                             backend_name="default", run_after=get_date_max(), status="SUCCESSFUL")
        return reverse(name, args=[result.pk])
    if kind == "feed":  # the feed's token names the branch secretary; anyone holding it reads it
        return reverse(name, args=[feed_token(objects["user"])])
    kwargs = {"pk": objects[kind].pk}
    if name == "members:reveal":
        kwargs["field"] = "id_number"
    if name == "recruitment:step":
        kwargs["number"] = 2
    if name == "grid:request_step":
        kwargs["action"] = "accept"
    return reverse(name, kwargs=kwargs)


def open311_url(name, request):
    """A public Open311 endpoint in JSON (grid helper C), about the sample request where it names one."""
    kwargs = {"fmt": "json"}
    if name == "open311:service_definition":
        kwargs["code"] = "safety"
    elif name == "open311:request":
        kwargs["pk"] = request.pk
    elif name == "open311:token":
        kwargs["token"] = request.token
    return reverse(name, kwargs=kwargs)


def leaked(name, response, objects):
    """Whether a list answer shows an object of the branch."""
    api_lists = {"v1:member-list": "member", "v1:organization-list": "org", "v1:meeting-list": "meeting"}
    api_lists["v1:hardship-case-list"] = "case"
    api_lists["v1:recruitment-list"] = "applicant"
    api_lists["v1:transfer-list"] = "transfer"
    api_lists["v1:grid-list"] = "grid"
    api_lists["v1:household-list"] = "household"
    api_lists["v1:pairing-list"] = "pairing"  # pairings app
    api_lists["v1:assessment-cycle-list"] = "assessment_cycle"  # assessment app
    if name in api_lists:
        ids = {row["id"] for row in json.loads(response.content)["results"]}
        return objects[api_lists[name]].pk in ids
    body = response.content.decode()
    if f"/grid/grids/{objects['grid'].pk}/" in body:
        return True
    if f"/care/cases/{objects['case'].pk}/" in body:
        return True
    if f"/pairings/{objects['pairing'].pk}/" in body or f"/pairings/funds/{objects['fund'].pk}/" in body:
        return True
    if f"/recruitment/{objects['applicant'].pk}/" in body:
        return True
    if f"/transfers/{objects['transfer'].pk}/" in body or f"/transfers/mobile/{objects['mobile'].pk}/" in body:
        return True
    return any(link in body for link in (f"/members/{objects['member'].pk}/", f"/orgs/{objects['org'].pk}/",
                                         f"/orglife/meetings/{objects['meeting'].pk}/"))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(name, client, personas):
    kind, allowed, check_leaks = MATRIX[name]
    objects = sample_objects(personas)
    url = url_for(name, kind, objects)
    failures = []
    for persona in PERSONAS:
        client.logout()
        if persona:
            client.force_login(personas[persona])
        response = client.get(url)
        status = response.status_code
        if name == "login" and persona:
            ok = status == 302  # a logged-in user is sent on to the workbench
        elif allowed == "method":
            ok = status in (405, 302, 401, 403, 404)
        elif persona in allowed:
            ok = status == 200
            if ok and check_leaks and persona == "sibling":
                ok = not leaked(name, response, objects)
        elif persona is None:
            ok = status in (302, 401, 403) and (status != 302 or "/login/" in response["Location"])
        elif kind is not None and kind not in SYSTEM_KINDS and persona not in VIEWERS and not (
                persona == "grid" and kind in GRID_KINDS) and not (persona == "sibling" and kind in SEEN_FROM_BELOW):
            ok = status == 404  # out of sight answers as if missing
        else:
            ok = status in (403, 404)
        if not ok:
            failures.append(f"{persona or 'anonymous'}: {status}")
    assert not failures, f"{name} {url}: {failures}"


def test_sibling_list_pages_do_not_show_the_branch(client_for, personas):
    """The same leak check, stated plainly for the roster: sibling sees only its own branch."""
    client = client_for("sibling")
    response = client.get("/members/", {"per_page": 100})
    assert {m.organization.name for m in response.context["page_obj"]} == {"滨河社区第二党支部"}
    assert Member.objects.restrict(personas["sibling"], "view").exclude(
        organization__name="滨河社区第二党支部").count() == 0
