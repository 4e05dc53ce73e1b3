"""Who may open which page: one table, every page route (the console, the owner pages, the public
pages) x every role, as the API's tables (test_api_matrix.py, test_owner_api_matrix.py) do for the
JSON API. Written by hand from the rules, never derived from the code under test:

- Console pages need a console sign-in: signed out, a page redirects to the console's sign-in
  (302). An owner (an account that acts for no organisation: zhang, newcomer) gets the page that
  sends them to /m/ on every one of them (403, orgs/staff.py; test_owners_refused.py). Owner
  pages (/m/) redirect to the owner's SMS sign-in. Public pages (/p/) need nothing.
- An account acts only through its approved associations (R-ORG-1): the hierarchy city > district
  > street > community sees the estates below it; a convener its own estate. What one may not see
  answers 404, exactly like what does not exist; what one sees but may not do answers 403.
- Only the estate's convener changes the roster, reveals personal data (R-SEC-1), sets up, changes
  and publicises meetings, enters paper ballots, generates and publicises results; only the
  street office of the estate's street gives guidance and decides extensions (R-MTG-2, R-RES-2,
  R-VOTE-5), its district bureau where the street office itself convenes (R-ORG-3: see
  test_division_convener_pages.py); only the city operator keeps the holiday calendar and the
  verification methods (R-MTG-4, R-ID-3).
- An owner sees the meetings of the estates they are bound in once publicised, and their own
  ballots, proxies, bindings and objections; anybody may check a receipt and read a public result.

The world is the owner API table's (test_owner_api_matrix.py ``world``: estates a, b, c; a draft,
an entered, a publicised, a voting and a closed meeting of a; a binding-list publication with an
objection; an on-site verification), plus the objects the pages show that it lacks (a count
session, an extension request, a proxy, a representative proposal, an API token, a previewed
roster import), made through the services. ``test_every_page_route_has_a_row`` makes a new page
fail until someone decides who may open it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from ownervote.core.files import Upload
from ownervote.core.validators import resident_id_check_digit
from ownervote.orgs import services as org_services
from ownervote.orgs.models import Membership, Organisation, User
from ownervote.roster import services as roster_services
from ownervote.roster.models import Owner, RosterChange

from .test_owner_api_matrix import PNG, rolled_back, world  # noqa: F401 - the shared world fixture

ROLES = (
    "anonymous",
    "city",
    "district",
    "street",  # Shatou: estates a and b
    "community",  # Shazui: estate a
    "convener",  # keeps estate a
    "other_convener",  # keeps estate c (Nanshan)
    "other_street",  # Yuehai: estate c
    "pending",  # a preparatory group of b, not approved
    "owner_org",  # administrator of an organisation that owns flats (R-ORG-2), no association
    "zhang",  # owner bound to 1栋-101 of a, voted in the closed meeting
    "newcomer",  # signed in by SMS, not verified, owns nothing
)


@dataclass(frozen=True)
class Page:
    route: str  # the URL pattern, as Django lists it (e.g. "console/meetings/<int:meeting_id>/")
    case: str
    path: str  # formatted with the world's ids
    expected: dict[str, int]
    method: str = "GET"
    data: dict | None = None

    @property
    def id(self) -> str:
        return f"{self.method} /{self.route} :: {self.case}"


def page_routes() -> set[str]:
    """Every URL pattern that is not the JSON API, as ``"METHOD-independent route"`` strings."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    return {r for r in walk(get_resolver().url_patterns) if not r.startswith("api/")}


@pytest.fixture
def pages_world(world, staff, estates):  # noqa: F811 - the fixture imported above
    """The world's ids, and the extra objects the pages show."""
    from ownervote.voting.models import Extension
    from ownervote.voting.services import extensions, paper, proxies, representatives
    from tests.rosterfiles import person_id

    ids = dict(world["ids"])
    users = {**world["users"], **{k: staff[k] for k in ("district", "community", "other_street", "pending")}}
    convener = staff["convener"]
    session = paper.session_open(
        actor=convener, meeting_id=ids["closed"], caller="甲", counter="乙", scrutineer="丙", place="会所"
    )
    extension = extensions.extension_request(
        actor=convener,
        meeting_id=ids["voting"],
        reason=Extension.Reason.TECHNICAL,
        explanation="系统升级",
        closes_at=timezone.now() + dt.timedelta(days=3),
    )
    proxy = proxies.proxy_grant(
        actor=users["zhang"],
        meeting_id=ids["voting"],
        flat_ids=[ids["flat101"]],
        name="李四",
        id_number=person_id(2),
        mobile="13800000002",
        matters="全部表决事项",
        authority="代为表决",
        term_from=timezone.localdate(),
        term_until=timezone.localdate() + dt.timedelta(days=30),
    )
    representative = representatives.representative_propose(
        actor=users["li"], meeting_id=ids["voting"], flat_id=ids["flat102"], user_id=users["li"].pk
    )
    token, _ = org_services.create_api_token(actor=convener, name="页面")
    admin = User.objects.create_user(username="owner_org_admin", password="Pw-for-tests-1", real_name="王某")
    org = Organisation.objects.create(kind=Organisation.Kind.OWNER_ORGANISATION, name="深圳市某投资有限公司")
    Membership.objects.create(user=admin, organisation=org, role=Membership.Role.ADMIN)
    first17 = "44030419750505123"
    authorised = org_services.authorise_staff(
        actor=admin,
        organisation_id=org.pk,
        name="赵卫国",
        id_number=first17 + resident_id_check_digit(first17),
        mobile="13600001111",
        valid_from=timezone.localdate(),
    )
    users["owner_org"] = admin
    from tests.permissions.test_api_matrix import csv_upload

    batch = roster_services.import_preview(
        actor=convener, estate_id=ids["a"], upload=Upload.from_django(csv_upload(["101", "102"]))
    )
    change = RosterChange.objects.filter(estate_id=ids["a"]).order_by("pk").first()
    change_file = change.files.first() if change is not None else None
    paper.entry_save(
        actor=convener,
        session_id=session.pk,
        flat_id=ids["flat102"],
        round=1,
        answers={str(ids["closed_item"]): "yes"},
        dated_on=timezone.localdate(),
        received_at=timezone.now() - dt.timedelta(days=30),  # before the close (R-PAPER-2)
        received_via="hand",
    )
    from ownervote.complaints import services as complaints

    complaint = complaints.complaint_file(
        actor=users["zhang"],
        estate_id=ids["a"],
        subject="binding",
        text="计票时监票人不在场，纸质选票没有当众清点。",
        files=[Upload("现场.png", PNG, "image/png")],
    )
    from ownervote.trust.models import Signal

    signal = Signal.objects.create(
        estate_id=ids["a"],
        kind="shared_mobile",
        key="pages",
        handler_kind="street_office",
        handler_division=complaint.handler_division,
        evidence=[{"type": "binding", "id": 1, "mobile": "139****0001"}],
        evidence_count=1,
        first_seen_at=timezone.now(),
        last_seen_at=timezone.now(),
    )
    from ownervote.meetings.models import Meeting
    from ownervote.objections import services as objections

    referred = objections.objection_refer(  # R-TRUST-2: the street office refers a signal
        actor=staff["street"],
        estate=estates["a"],
        meeting=Meeting.objects.get(pk=ids["closed"]),
        text="同一手机号在多户绑定并投票，请核查。",
    )
    ids.update(
        signal=signal.pk,
        result_objection=referred.pk,
        complaint=complaint.pk,
        complaint_file=complaint.files.get().pk,
        session=session.pk,
        extension=extension.pk,
        proxy=proxy.pk,
        representative=representative.pk,
        token=token.pk,
        batch=batch.pk,
        change=change.pk if change else 0,
        change_file=change_file.pk if change_file else 0,
        zhang_verification=users["zhang"].verifications.order_by("pk").first().pk,
        owner=Owner.objects.filter(ownerships__flat_id=ids["flat101"]).first().pk,
        pending_assoc=staff["pending"].memberships.get().organisation.associations.get().pk,
        org=org.pk,
        authorised=authorised.pk,
        convener_user=staff["convener"].pk,
    )
    return {"users": users, "ids": ids}


# The columns of the tables below, in this order.
COLUMNS = "anon city dist str comm conv oconv ostr pend oorg zhang new"
ACTED = "A"  # the request reached the action: done, or refused for the state of things or its input
# (any answer but 401, 403, 404, 405 and 5xx); never a refusal of who is asking

# Two lines a row: "METHOD path  # what it checks", then one expectation per column.
TABLE = """
GET /  # the root leads to the console
    302 302 302 302 302 302 302 302 302 302 302 302
GET /healthz  # the load balancer's check
    200 200 200 200 200 200 200 200 200 200 200 200
GET /i18n/setlang/  # switching the language (a GET goes back)
    302 302 302 302 302 302 302 302 302 302 302 302
GET /help/owner/  # the guides per role (issue 22): public, for everybody
    200 200 200 200 200 200 200 200 200 200 200 200
GET /console/  # the console home: staff signed in (what it lists is scoped); owners go to /m/
    302 200 200 200 200 200 200 200 200 200 403 403
GET /console/login/  # the sign-in; signed in, it goes home
    200 302 302 302 302 302 302 302 302 302 403 403
GET /console/2fa/  # the second factor of one's own account
    302 200 200 200 200 200 200 200 200 200 403 403
GET /console/register/  # registering is for people signed out (R-ORG-1)
    200 302 302 302 302 302 302 302 302 302 403 403
GET /console/associations/  # one's own applications and those one decides
    302 200 200 200 200 200 200 200 200 200 403 403
GET /console/associations/apply/  # any account applies for an association (R-ORG-1)
    302 200 200 200 200 200 200 200 200 200 403 403
GET /console/associations/{pending_assoc}/decide/  # b's pending application: only Shatou street decides it
    302 404 404 200 404 404 404 404 404 404 403 403
GET /console/tokens/  # one's own API tokens
    302 200 200 200 200 200 200 200 200 200 403 403
GET /console/messages/  # one's own messages in the console (issue 22 item 5); owners read theirs at /m/inbox/
    302 200 200 200 200 200 200 200 200 200 403 403
GET /console/accounts/  # the accounts one looks after (R-SEC-1): the list is scoped, often empty
    302 200 200 200 200 200 200 200 200 200 403 403
GET /console/staff/  # an organisation owner's authorised staff: its administrators only (R-ORG-2)
    302 404 404 404 404 404 404 404 404 200 403 403
GET /console/estates/  # the estates one sees (scoped list)
    302 200 200 200 200 200 200 200 200 200 403 403
GET /console/estates/template.xlsx  # the empty roster template
    302 200 200 200 200 200 200 200 200 200 403 403
GET /console/estates/{a}/  # estate a: its hierarchy and its convener
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/estates/{a}/flats/{flat101}/edit/  # only the convener edits the roster (R-ROSTER-2)
    302 403 403 403 403 200 404 404 404 404 403 403
GET /console/estates/{a}/import/  # only the convener imports (R-ROSTER-4)
    302 403 403 403 403 200 404 404 404 404 403 403
GET /console/estates/{a}/import/{batch}/  # a previewed import: whoever sees the roster
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/estates/{a}/import/{batch}/errors.xlsx  # refused file marked up: the convener (previewed: 409)
    302 403 403 403 403 409 404 404 404 404 403 403
GET /console/estates/{a}/export/  # the roster export (masked): whoever sees the roster
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/estates/{a}/totals/  # the confirmed totals (R-ROSTER-1)
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/estates/{a}/changes/  # the roster's history (R-ROSTER-2)
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/estates/{a}/changes/{change}/files/{change_file}/  # a change's supporting file
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/estates/{a}/settings/  # the estate's rules-of-procedure settings: the convener
    302 403 403 403 403 200 404 404 404 404 403 403
GET /m/  # the owner home (signed out: the sign-in invitation)
    200 200 200 200 200 200 200 200 200 200 200 200
GET /m/e/{a}/  # an estate's landing page from its QR code (public)
    200 200 200 200 200 200 200 200 200 200 200 200
GET /p/audit/  # the daily digests of every estate's audit log (R-SEC-5): public
    200 200 200 200 200 200 200 200 200 200 200 200
GET /p/audit/anchors.json  # every chain's digest of the latest day, as JSON
    200 200 200 200 200 200 200 200 200 200 200 200
GET /p/audit/estates/{a}/  # one estate's digests by day
    200 200 200 200 200 200 200 200 200 200 200 200
GET /p/audit/estates/{a}/anchors.json  # the same as JSON (verify_audit --anchors reads it)
    200 200 200 200 200 200 200 200 200 200 200 200
GET /p/audit/global/  # the digests of the chain outside any estate
    200 200 200 200 200 200 200 200 200 200 200 200
GET /p/audit/global/anchors.json  # the same as JSON
    200 200 200 200 200 200 200 200 200 200 200 200
GET /console/estates/{a}/poster/  # the QR poster (art. 8): whoever sees the estate
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/estates/{a}/poster/qr.svg  # the QR code file
    302 200 200 200 200 200 404 404 404 404 403 403
GET /m/complaints/  # one's own complaints (R-SEC-4): any account
    302 200 200 200 200 200 200 200 200 200 200 200
GET /m/complaints/new/  # the complaint form; who is no owner anywhere reads why instead
    302 200 200 200 200 200 200 200 200 200 200 200
GET /m/complaints/{complaint}/  # zhang's complaint: zhang; its handling office is sent to the console
    302 404 404 302 404 404 404 404 404 404 200 404
GET /m/complaints/{complaint}/files/{complaint_file}/  # zhang's own photo: zhang (logged)
    302 404 404 403 404 404 404 404 404 404 200 404
GET /console/complaints/  # the handling offices' queue: street offices and district bureaus
    302 403 200 200 403 403 403 200 403 403 403 403
GET /console/complaints/oversight/  # the complaints' figures: the district bureau and the city
    302 200 200 403 403 403 403 403 403 403 403 403
GET /console/complaints/{complaint}/  # zhang's complaint: its handling office (Shatou); zhang goes to /m/
    302 404 404 200 404 404 404 404 404 404 403 403
GET /console/complaints/{complaint}/files/{complaint_file}/  # its photo: the handling office (logged)
    302 404 404 200 404 404 404 404 404 404 403 403
GET /console/signals/  # impersonation signals (R-TRUST-1): street offices and district bureaus
    302 403 200 200 403 403 403 200 403 403 403 403
GET /console/signals/{signal}/  # a's signal: its handling office (Shatou) and Futian district, read-only
    302 404 200 200 404 404 404 404 404 404 403 403
GET /m/objections/  # one's own objections to results (R-TRUST-2): any account
    302 200 200 200 200 200 200 200 200 200 200 200
GET /m/meetings/{closed}/objections/new/  # the objection form: only while a result is publicised (none here)
    302 404 404 404 404 404 404 404 404 404 404 404
GET /console/meetings/{closed}/objections/  # a meeting's objections: the convener and the overseeing staff
    302 200 200 200 404 200 404 404 404 404 403 403
GET /m/login/  # the owner's SMS sign-in; signed in, it goes on
    200 302 302 302 302 302 302 302 302 302 302 302
GET /m/wechat/start/  # WeChat sign-in, not configured in tests: nowhere
    404 404 404 404 404 404 404 404 404 404 404 404
GET /m/wechat/callback/  # WeChat's return, not configured in tests: nowhere
    404 404 404 404 404 404 404 404 404 404 404 404
GET /m/wechat/link/  # linking WeChat, not configured: back
    302 302 302 302 302 302 302 302 302 302 302 302
GET /m/verify/  # self-service verification (R-ID-1): any account
    302 200 200 200 200 200 200 200 200 200 200 200
GET /m/verify/consent/  # the notice on face recognition (R-SEC-7): any account
    302 200 200 200 200 200 200 200 200 200 200 200
GET /m/verify/on-site/  # the path without the face (R-SEC-7): any account
    302 200 200 200 200 200 200 200 200 200 200 200
GET /m/verify/face/callback/  # the face provider's return, without its signed parameters
    422 422 422 422 422 422 422 422 422 422 422 422
GET /m/verify/{zhang_verification}/  # one's own verification result only
    302 404 404 404 404 404 404 404 404 404 200 404
GET /m/notices/  # verification method notices (R-ID-3): public
    200 200 200 200 200 200 200 200 200 200 200 200
GET /dev/face/nothing/  # the development face provider: no such session
    404 404 404 404 404 404 404 404 404 404 404 404
GET /console/estates/{a}/onsite/  # on-site verification (R-ID-2): convener; the street office watches
    302 403 403 200 403 200 404 404 404 404 403 403
GET /console/estates/{a}/onsite/{onsite}/  # an on-site verification: the convener and the street office
    302 404 404 200 404 200 404 404 404 404 403 403
GET /console/estates/{a}/onsite/{onsite}/photos/id/  # its ID photo: the convener and the street office only
    404 404 404 200 404 200 404 404 404 404 403 403
GET /console/verification-methods/  # verification methods (R-ID-3): the city operator
    302 200 403 403 403 403 403 403 403 403 403 403
GET /console/trust/thresholds/  # the signals' thresholds (R-TRUST-1): the city operator
    302 200 403 403 403 403 403 403 403 403 403 403
GET /console/bindings/import/  # importing the former platform's bindings (R-DATA-1): the city operator
    302 200 403 403 403 403 403 403 403 403 403 403
GET /m/estates/  # finding one's estate: verified owners (others verify first)
    302 302 302 302 302 302 302 302 302 302 200 302
GET /m/estates/{a}/  # binding a flat in a (R-BIND-1): verified owners
    302 302 302 302 302 302 302 302 302 302 200 302
GET /m/flats/  # one's own bindings
    302 200 200 200 200 200 200 200 200 200 200 200
GET /m/flats/{zhang_binding}/end/  # ending one's own binding only
    302 404 404 404 404 404 404 404 404 404 200 404
GET /console/estates/{a}/binding-list/  # the binding list (R-BIND-3) in the console
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/estates/{a}/binding-list/list.pdf  # the published list (masked): staff above a, a's owners
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/estates/{a}/binding-list/list.xlsx  # the published list (masked) as a spreadsheet
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/estates/{a}/objections/  # objections (R-BIND-4)
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/estates/{a}/objections/{objection}/  # one objection
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/estates/{a}/objections/{objection}/files/0/  # an objection file that does not exist
    302 404 404 404 404 404 404 404 404 404 403 403
GET /console/objections/overdue/  # objections undecided past the publicity (R-BIND-4): supervising offices
    302 403 200 200 403 403 403 200 403 403 403 403
GET /m/estates/{a}/binding-list/  # the binding list for owners: a's bound owners and staff above a
    302 200 200 200 200 200 404 404 404 404 200 404
GET /m/estates/{a}/binding-list/list.pdf  # the owners' copy (masked)
    302 200 200 200 200 200 404 404 404 404 200 404
GET /m/estates/{a}/binding-list/list.xlsx  # the owners' copy (masked) as a spreadsheet
    302 200 200 200 200 200 404 404 404 404 200 404
GET /m/bindings/{zhang_binding}/objection/  # objecting (R-BIND-4): a's owners; staff see, may not object
    302 403 403 403 403 403 404 404 404 404 200 404
GET /m/inbox/  # one's own messages
    302 200 200 200 200 200 200 200 200 200 200 200
GET /console/meetings/  # the meetings one sees
    302 200 200 200 200 200 200 200 200 200 403 403
GET /console/estates/{a}/meetings/  # a's meetings
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/estates/{a}/meetings/new/  # setting up a meeting (R-MTG-1): the convener
    302 403 403 403 403 200 404 404 404 404 403 403
GET /console/meetings/{entered}/  # an entered meeting: the hierarchy above a (not yet its owners)
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/meetings/{entered}/edit/  # changing it (R-MTG-6): the convener
    302 403 403 403 403 200 404 404 404 404 403 403
GET /console/meetings/{published}/documents/{document}/  # a publicised meeting's document: also a's owners
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/meetings/{published}/notice.pdf  # its printable notice
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/meetings/{published}/versions/  # its versions (R-MTG-6)
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/meetings/{published}/service/  # proof of service (R-MTG-10): convener, supervisor, city
    302 200 403 200 403 200 404 404 404 404 403 403
GET /console/meetings/{entered}/guidance/  # guidance (R-MTG-2): Shatou street office only
    302 403 403 200 403 403 404 404 404 404 403 403
GET /console/guidance/  # the meetings to guide (scoped, empty for most)
    302 200 200 200 200 200 200 200 200 200 403 403
GET /console/calendar/  # the holiday calendar: everyone in the console reads it (R-MTG-4)
    302 200 200 200 200 200 200 200 200 200 403 403
GET /p/meetings/{published}/  # the public notice (art. 12, 29)
    200 200 200 200 200 200 200 200 200 200 200 200
GET /p/meetings/{published}/notice.pdf  # the public notice as PDF
    200 200 200 200 200 200 200 200 200 200 200 200
GET /p/meetings/{published}/documents/{document}/  # a publicised document
    200 200 200 200 200 200 200 200 200 200 200 200
GET /m/meetings/{voting}/vote/  # the vote page: who sees the meeting (it says what they may vote)
    302 200 200 200 200 200 404 404 404 404 200 404
GET /m/meetings/{voting}/vote/ballot/  # the ballot: without an eligible flat, back to the vote page
    302 302 302 302 302 302 404 404 404 404 302 404
GET /m/meetings/{closed}/ballot/  # one's own ballot and receipt (R-VOTE-3)
    302 200 200 200 200 200 404 404 404 404 200 404
GET /p/receipts/  # checking a receipt: anybody
    200 200 200 200 200 200 200 200 200 200 200 200
GET /m/meetings/{voting}/proxies/  # proxies (R-VOTE-6): who sees the meeting
    302 200 200 200 200 200 404 404 404 404 200 404
GET /m/meetings/{voting}/proxies/held/  # the proxies one holds
    302 200 200 200 200 200 404 404 404 404 200 404
GET /m/proxies/{proxy}/  # zhang's proxy: zhang, and the convener who is told of it
    302 404 404 404 404 200 404 404 404 404 200 404
GET /m/proxies/{proxy}/document.pdf  # its written proxy
    302 404 404 404 404 200 404 404 404 404 200 404
GET /m/meetings/{voting}/proxies/list/  # proxies in force (R-TRUST-3): bound owners, the convener
    302 403 403 403 403 200 404 404 404 404 200 404
GET /console/meetings/{voting}/proxies/  # the meeting's proxies (masked): the convener
    302 403 403 403 403 200 404 404 404 404 403 403
GET /console/meetings/{voting}/progress/  # progress (R-VOTE-2): the convener and its street office
    302 403 403 200 403 200 404 404 404 404 403 403
GET /console/meetings/{voting}/extensions/new/  # asking for an extension (R-VOTE-5): the convener
    302 403 403 403 403 200 404 404 404 404 403 403
GET /console/extensions/  # extension requests: supervisors (street offices; districts, R-ORG-3)
    302 403 200 200 403 403 403 200 403 403 403 403
GET /console/meetings/{closed}/count/  # paper counting (R-PAPER-3): the convener; the hierarchy watches
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/meetings/{closed}/ballots.pdf?flat=1-101  # printable paper ballots: the convener
    302 403 403 403 403 200 404 404 404 404 403 403
GET /console/count/{session}/  # a count session: the convener; the hierarchy watches
    302 200 200 200 200 200 404 404 404 404 403 403
GET /console/meetings/{closed}/result/  # the result console (R-RES-1): convener, street, district, city
    302 200 200 200 404 200 404 404 404 404 403 403
GET /console/meetings/{closed}/result/job  # the generation's progress fragment (htmx): as the result console
    302 200 200 200 404 200 404 404 404 404 403 403
GET /console/meetings/{closed}/result/v1/  # a result version with its per-flat table
    302 200 200 200 404 200 404 404 404 404 403 403
GET /console/meetings/{closed}/result/v1/result.pdf  # the printed result table (R-RES-2)
    302 200 200 200 404 200 404 404 404 404 403 403
GET /console/meetings/{closed}/result/v1/result.xlsx  # the result table as a spreadsheet
    302 200 200 200 404 200 404 404 404 404 403 403
GET /console/meetings/{closed}/result/v1/result/signed  # the signed, sealed result table's scan (R-RES-2)
    302 200 200 200 404 200 404 404 404 404 403 403
GET /console/meetings/{closed}/result/v1/flats/signed  # the signed per-flat table's scan (R-RES-2)
    302 200 200 200 404 200 404 404 404 404 403 403
GET /console/meetings/{closed}/result/archive.json  # the archive (R-RES-4)
    302 200 200 200 404 200 404 404 404 404 403 403
GET /console/meetings/{closed}/result/filing.json  # filing (R-DATA-1): not publicised, back to the result
    302   A   A   A 404   A 404 404 404 404 403 403
GET /m/meetings/{closed}/result/archive.json  # the owners' archive: only once the result is publicised
    302 404 404 404 404 404 404 404 404 404 404 404
GET /p/meetings/{closed}/result/  # the public result: only once publicised (R-RES-3)
    404 404 404 404 404 404 404 404 404 404 404 404
GET /p/meetings/{closed}/result/result.pdf  # the public result table: only once publicised
    404 404 404 404 404 404 404 404 404 404 404 404
GET /p/meetings/{closed}/result/signed  # the signed result table's scan: only once publicised
    404 404 404 404 404 404 404 404 404 404 404 404
GET /p/meetings/{closed}/result/v1/root.json  # the published root (R-RES-4): only once publicised
    404 404 404 404 404 404 404 404 404 404 404 404
GET /p/meetings/{closed}/result/verify/  # the browser verifier (R-TRUST-4): only once publicised
    404 404 404 404 404 404 404 404 404 404 404 404
GET /console/oversight/  # oversight: street offices, districts and the city
    302 200 200 200 403 403 403 200 403 403 403 403
GET /demo/  # the demo's links (demo settings)
    200 200 200 200 200 200 200 200 200 200 200 200
GET /demo/vote/  # a demo link: no demo in this world
    404 404 404 404 404 404 404 404 404 404 404 404
POST /console/logout/  # signing out
    302   A   A   A   A   A   A   A   A   A   A   A
POST /console/2fa/  # confirming one's own second factor
    302   A   A   A   A   A   A   A   A   A 403 403
POST /console/register/  # registering: signed out only
      A 302 302 302 302 302 302 302 302 302 403 403
POST /console/associations/apply/  # applying for an association
    302   A   A   A   A   A   A   A   A   A 403 403
POST /console/associations/{pending_assoc}/decide/  # deciding b's application: Shatou street only
    302 404 404   A 404 404 404 404 404 404 403 403
POST /console/tokens/  # creating one's own API token
    302   A   A   A   A   A   A   A   A   A 403 403
POST /console/messages/read/  # marking all one's own messages read
    302   A   A   A   A   A   A   A   A   A 403 403
POST /console/tokens/{token}/revoke/  # revoking the convener's token: the convener only
    302 404 404 404 404   A 404 404 404 404 403 403
POST /console/accounts/{convener_user}/code/  # the convener's enrolment code: its street office, the city
    302   A 404   A 404 404 404 404 404 404 403 403
POST /console/accounts/{convener_user}/reset/  # resetting the convener's second factor: the same
    302   A 404   A 404 404 404 404 404 404 403 403
POST /console/accounts/{convener_user}/unlock/  # lifting the convener's sign-in lockout: the same
    302   A 404   A 404 404 404 404 404 404 403 403
POST /console/staff/{org}/{authorised}/revoke/  # revoking authorised staff: its administrators (R-ORG-2)
    302 404 404 404 404 404 404 404 404   A 403 403
POST /console/estates/new/  # registering an estate: street offices, districts and the city
    302   A   A   A 403 403 403   A 403 403 403 403
POST /console/estates/{a}/owners/{owner}/reveal/  # revealing personal data (R-SEC-1): the convener only
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/estates/{a}/flats/{flat101}/edit/  # editing a flat (R-ROSTER-2): the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/estates/{a}/import/  # uploading a roster (R-ROSTER-4): the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/estates/{a}/import/{batch}/apply/  # applying it: the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/estates/{a}/import/{batch}/discard/  # discarding it: the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/estates/{a}/totals/  # confirming the totals (R-ROSTER-1): the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/estates/{a}/settings/  # the rules-of-procedure settings: the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /m/login/  # the SMS sign-in form
    A   A   A   A   A   A   A   A   A   A   A   A
POST /m/logout/  # signing out
    302 302 302 302 302 302 302 302 302 302 302 302
POST /m/verify/  # starting a self-service verification
    302   A   A   A   A   A   A   A   A   A   A   A
POST /m/verify/consent/  # one's own decision on the notice on face recognition (R-SEC-7)
    302   A   A   A   A   A   A   A   A   A   A   A
POST /console/estates/{a}/onsite/  # verifying on site (R-ID-2): the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/verification-methods/  # changing a verification method (R-ID-3): the city operator
    302   A 403 403 403 403 403 403 403 403 403 403
POST /console/trust/thresholds/  # setting the signals' thresholds (R-TRUST-1): the city operator
    302   A 403 403 403 403 403 403 403 403 403 403
POST /console/bindings/import/  # checking or importing a file (R-DATA-1): the city operator
    302   A 403 403 403 403 403 403 403 403 403 403
POST /m/estates/{a}/  # binding a flat (R-BIND-1): verified owners (others verify first)
    302 302 302 302 302 302 302 302 302 302   A 302
POST /m/flats/{zhang_binding}/end/  # ending one's own binding
    302 404 404 404 404 404 404 404 404 404   A 404
POST /console/estates/{a}/binding-list/publications/{publication}/withdraw/  # withdrawing: the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /m/bindings/{zhang_binding}/objection/  # objecting to a binding (R-BIND-4): a's owners
    302 403 403 403 403 403 404 404 404 404   A 404
POST /console/estates/{a}/meetings/new/  # setting up a meeting (R-MTG-1): the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/estates/{a}/meetings/preview/  # the form's live timeline: the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/meetings/{entered}/edit/  # changing an entered meeting (R-MTG-6): the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/meetings/{entered}/preview/  # the change form's live timeline: the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/meetings/{draft}/submit/  # entering a draft (R-MTG-1): only its convener sees it
    302 404 404 404 404   A 404 404 404 404 403 403
POST /console/meetings/{entered}/publish/  # publicising (R-MTG-3): the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/meetings/{entered}/cancel/  # cancelling: the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/meetings/{published}/documents/  # attaching a document: the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/meetings/{published}/documents/{document}/remove/  # removing a document: the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/meetings/{entered}/guidance/  # giving guidance (R-MTG-2): Shatou street office
    302 403 403   A 403 403 404 404 404 404 403 403
POST /console/calendar/  # loading a calendar year (R-MTG-4): the city operator
    302   A 403 403 403 403 403 403 403 403 403 403
POST /m/meetings/{voting}/vote/ballot/  # the ballot: the service decides who votes
    302   A   A   A   A   A 404 404 404 404   A 404
POST /m/meetings/{voting}/representatives/  # a representative (R-VOTE-8): co-owners only (zhang owns alone)
    302 403 403 403 403 403 404 404 404 404 403 404
POST /m/representatives/{representative}/consent/  # consenting to li's proposal: its co-owners only
    302 404 404 404 404 404 404 404 404 404 404 404
POST /m/representatives/{representative}/withdraw/  # withdrawing li's proposal: li only
    302 404 404 404 404 404 404 404 404 404 404 404
POST /m/proxies/{proxy}/revoke/  # revoking zhang's proxy (R-VOTE-7): zhang; the convener sees it, may not
    302 404 404 404 404 403 404 404 404 404   A 404
POST /m/proxies/{proxy}/confirm/  # accepting zhang's proxy (art. 20): its holder only, not zhang
    302 404 404 404 404 403 404 404 404 404 403 404
POST /console/meetings/{voting}/progress/remind/  # reminding who has not voted (R-VOTE-2): the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/meetings/{voting}/invitations/retry/  # resuming the invitations (issue 21): the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/meetings/{voting}/extensions/new/  # asking for an extension (R-VOTE-5): the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/extensions/{extension}/decide/  # deciding it: the estate's street office
    302 403 403   A 403 403 404 404 404 404 403 403
POST /console/meetings/{closed}/count/  # opening a count session (R-PAPER-3): the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/count/{session}/  # entering paper ballots: the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/count/{session}/delete/  # removing an entry: the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/count/{session}/commit/  # counting the session: the convener
    302 403 403 403 403   A 404 404 404 404 403 403
POST /console/meetings/{closed}/result/close  # closing the voting: the convener
    302 403 403 403 404   A 404 404 404 404 403 403
POST /console/meetings/{closed}/result/generate  # generating the result (R-RES-1): the convener
    302 403 403 403 404   A 404 404 404 404 403 403
POST /console/meetings/{closed}/result/job/retry  # resuming a failed generation (R-RES-1): the convener
    302 403 403 403 404   A 404 404 404 404 403 403
POST /console/meetings/{closed}/result/submit  # submitting it (R-RES-2): the convener
    302 403 403 403 404   A 404 404 404 404 403 403
POST /console/meetings/{closed}/result/guidance  # result guidance (R-RES-2): the street office
    302 403 403   A 404 403 404 404 404 404 403 403
POST /console/meetings/{closed}/result/publicity  # publicising the result (R-RES-3): the convener
    302 403 403 403 404   A 404 404 404 404 403 403
POST /console/meetings/{closed}/result/correction  # correcting the publicised result (R-SEC-6): the convener
    302 403 403 403 404   A 404 404 404 404 403 403
POST /console/meetings/{closed}/objections/  # answering an objection (R-TRUST-2): the convener
    302 403 403 403 404   A 404 404 404 404 403 403
POST /m/objections/{result_objection}/accept/  # accepting the answer: its raiser (the street office here)
    302 403 403   A 404 403 404 404 404 404 404 404
POST /m/objections/{result_objection}/dispute/  # disputing the answer: whoever raised it
    302 403 403   A 404 403 404 404 404 404 404 404
POST /console/complaints/{complaint}/  # accepting zhang's complaint (R-SEC-4): its handling office
    302 404 404   A 404 404 404 404 404 404 403 403
POST /console/complaints/{complaint}/contact/  # who complained, in clear (logged): its handling office
    302 404 404   A 404 404 404 404 404 404 403 403
POST /console/signals/{signal}/  # reviewing a's signal (R-TRUST-1): its handling office; district reads only
    302 404 403   A 404 404 404 404 404 404 403 403
POST /console/signals/{signal}/reveal/  # a masked value in clear (logged): its handling office
    302 404 403   A 404 404 404 404 404 404 403 403
"""

# What a POST row sends (the rest send nothing: a refusal of who is asking comes before the input).
DATA = {
    "/console/count/{session}/delete/": {"flat_id": "{flat102}", "round": "1"},
    "/console/complaints/{complaint}/": {"action": "accept"},
    "/console/signals/{signal}/": {"outcome": "dismissed", "note": "核实为一家人共用手机"},
    "/console/signals/{signal}/reveal/": {"item": "0", "field": "mobile", "reason": ""},
    "/console/meetings/{closed}/objections/": {"objection": "{result_objection}", "answer": "已核查。"},
}


def rows() -> list[Page]:
    out = []
    lines = TABLE.strip().splitlines()
    for head, codes in zip(lines[::2], lines[1::2], strict=True):
        left, case = (part.strip() for part in head.split("#", 1))
        method, path = left.split()
        values = codes.split()
        assert len(values) == len(ROLES), head
        expected = {role: (v if v == ACTED else int(v)) for role, v in zip(ROLES, values, strict=True)}
        data = DATA.get(path) if method == "POST" else None
        out.append(
            Page(route=_route_of(path), case=case, path=path, expected=expected, method=method, data=data)
        )
    return out


def _route_of(path: str) -> str:
    """The URL pattern a row's path resolves to (with placeholder ids)."""
    from django.urls import resolve

    concrete = re.sub(r"\{[a-z0-9_]+\}", "1", path.split("?")[0])
    match = resolve(concrete)
    return match.route


def fetch(world: dict, role: str, page: Page):  # noqa: F811 - the world's data, not the fixture
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["users"][role])
    path = page.path.format(**world["ids"])
    if page.method == "POST":
        data = {k: v.format(**world["ids"]) for k, v in (page.data or {}).items()}
        return client.post(path, data)
    return client.get(path)


def acted(status: int) -> bool:
    return status < 500 and status not in (401, 403, 404, 405)


def test_every_page_route_has_a_row():
    """A new page without a row fails: decide who may open it first."""
    assert page_routes() == {page.route for page in rows()}


def test_page_matrix(
    pages_world,
    guides,
):  # R-ORG-1 R-ORG-2 R-ROSTER-1 R-ROSTER-2 R-SEC-1 R-MTG-1..6 R-VOTE-2 R-RES-1..3
    """Every row, every role, each cell rolled back: the world is built once (it is the slow part),
    and every wrong cell is reported, with its row, at the end."""
    report = []
    for page in rows():
        got = {}
        for role in ROLES:
            with rolled_back():
                got[role] = fetch(pages_world, role, page).status_code
        wrong = {
            role: f"expected {want}, got {got[role]}"
            for role, want in page.expected.items()
            if (not acted(got[role]) if want == ACTED else got[role] != want)
        }
        if wrong:
            report.append(f"{page.id}: {wrong}")
    assert not report, "\n".join(report)
