"""R-ORG-3 in the permission tables: a meeting the Shatou street office convenes (estate b, its
association approved by the Futian district bureau) is supervised by the district bureau, not by
the street office itself. Guidance on the entered meeting and the decision on an extension of the
publicised one, for every staff role of the shared ``staff`` fixture: who sees it but may not act
answers 403, who does not see it 404, the supervisor reaches the action ("A", see
test_page_matrix.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ownervote.orgs import services as org_services
from ownervote.orgs.models import Organisation
from ownervote.roster.models import Estate
from ownervote.voting.services import extensions
from tests.meetings.conftest import make_meeting  # noqa: F401 - the fixture

from .test_page_matrix import acted

ROLES = ("city", "district", "street", "community", "convener", "other_convener", "other_street", "pending")

# path, method, one expectation per role above
TABLE = [
    ("/console/meetings/{entered}/guidance/", "GET", "403 200 403 403 404 404 404 404"),
    ("/console/meetings/{entered}/guidance/", "POST", "403   A 403 403 404 404 404 404"),
    ("/console/extensions/{extension}/decide/", "POST", "403   A 403 403 404 404 404 404"),
    ("/console/extensions/", "GET", "403 200 200 403 403 403 200 403"),
]


@pytest.fixture
def street_convened(staff, geo, estates, make_meeting):  # noqa: F811 - the fixture imported above
    Estate.objects.filter(pk=estates["b"].pk).update(community=geo["shazui"])
    org = Organisation.objects.get(memberships__user=staff["street"])
    assoc = org_services.apply_association(actor=staff["street"], organisation=org, estate=estates["b"])
    org_services.decide_association(actor=staff["district"], association_id=assoc.pk, decision="approved")
    entered = make_meeting(state="submitted", actor=staff["street"], estate="b", title="金地花园会议一")
    published = make_meeting(30, state="published", actor=staff["street"], estate="b", title="金地花园会议二")
    extension = extensions.extension_request(
        actor=staff["street"],
        meeting_id=published.pk,
        reason="technical",
        explanation="系统升级",
        closes_at=published.voting_closes_at + dt.timedelta(days=2),
    )
    return {"entered": entered.pk, "extension": extension.pk, "title": published.title}


def test_r_org_3_the_district_supervises_the_street_offices_meeting(staff, street_convened):
    report = []
    for path, method, expected in TABLE:
        for role, want in zip(ROLES, expected.split(), strict=True):
            client = Client(raise_request_exception=False)
            client.force_login(staff[role])
            url = path.format(**street_convened)
            data = {"text": "请补充代为召集的依据。", "decision": "refuse", "note": "理由不足"}
            response = client.post(url, data) if method == "POST" else client.get(url)
            got = response.status_code
            ok = acted(got) if want == "A" else got == int(want)
            if not ok:
                report.append(f"{method} {path} as {role}: {got}, expected {want}")
    assert not report, "\n".join(report)


def test_r_org_3_only_the_district_lists_the_street_offices_extension(client, staff, street_convened):
    client.force_login(staff["street"])
    assert street_convened["title"] not in client.get("/console/extensions/").content.decode()
    client.force_login(staff["district"])
    assert street_convened["title"] in client.get("/console/extensions/").content.decode()
