"""Who may call which API endpoint: one table, every endpoint x every role.

Each row names an endpoint and an object, and spells out the status each caller gets. The table
is written by hand from the rules, never derived from the code under test:

- R-ORG-1: an account acts only through its *approved* associations; a street office decides
  conveners' applications, a district bureau street offices'.
- R-ORG-2: an organisation owner's administrators manage the staff authorised to vote for it.
- R-ROSTER-1/2: only the estate's approved convener changes its roster and totals; the
  hierarchy above the estate (city > district > street > community) reads it.
- R-SEC-1: only the convener reveals personal data.
- R-MTG-1..4: a meeting's draft is its convener's; the hierarchy above the estate sees it once
  entered; only its convener changes it, only the estate's street office guides it, only the city
  operator keeps the holiday calendar; the public notice needs no credentials.
- Missing and not visible look the same (404); visible but not changeable is 403; no
  credentials is 401.

The places (tests/conftest.py): estate a is in Shatou street (Futian district), Shazui community,
kept by ``convener``; estate b is in Shatou with only a pending application (``pending``);
estate c is in Yuehai street (Nanshan), kept by ``other_convener``, watched by ``other_street``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from ownervote.api import api
from ownervote.core.files import Upload
from ownervote.core.validators import resident_id_check_digit
from ownervote.orgs import services as org_services
from ownervote.orgs.models import Membership, Organisation, User
from ownervote.roster import services as roster_services
from tests.pdfs import minimal_pdf

# The callers, in column order. ``token`` is the convener's API token sent as a bearer header
# (no session): it must get exactly what the convener gets. ``owner_org`` is an administrator
# of an organisation that owns flats (R-ORG-2); it has no association.
ROLES = (
    "city",
    "district",
    "street",
    "community",
    "convener",
    "other_convener",
    "other_street",
    "pending",
    "owner_org",
    "anonymous",
    "token",
)


@dataclass(frozen=True)
class Row:
    route: str  # "METHOD /api/path/{param}" exactly as registered
    case: str  # what this row checks
    path: str  # the concrete path, formatted with the world's ids
    expected: dict[str, int]
    body: dict | Callable[[dict], dict] | None = None
    multipart: bool = False
    query: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.route} :: {self.case}"


def csv_upload(rooms: list[str]) -> SimpleUploadedFile:
    lines = ["楼栋,房号,面积,业主姓名,证件号码,手机号码"]
    for i, room in enumerate(rooms, start=1):
        first17 = f"44030419800101{i:03d}"
        lines.append(
            f"1栋,{room},88.{i:02d},业主{i}号,{first17}{resident_id_check_digit(first17)},1390000{i:04d}"
        )
    return SimpleUploadedFile("roster.csv", "\n".join(lines).encode("utf-8-sig"), "text/csv")


def evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile("会议记录.pdf", minimal_pdf("minutes"), "application/pdf")


# fmt: off
ROWS = [
    # --- account -------------------------------------------------------------------------
    Row("GET /api/me", "every signed-in caller sees itself", "/api/me",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 200, "other_street": 200, "pending": 200,
         "owner_org": 200, "anonymous": 401, "token": 200}),

    # --- geography and registration (R-ORG-1): public, registration needs them ------------
    Row("GET /api/orgs/divisions", "public geography", "/api/orgs/divisions?kind=street",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 200, "other_street": 200, "pending": 200,
         "owner_org": 200, "anonymous": 200, "token": 200}),
    Row("GET /api/orgs/divisions/{division_id}/estates", "public estate names of Shatou",
        "/api/orgs/divisions/{shatou}/estates",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 200, "other_street": 200, "pending": 200,
         "owner_org": 200, "anonymous": 200, "token": 200}),
    Row("POST /api/orgs/register", "anyone may register and apply (R-ORG-1)", "/api/orgs/register",
        {"city": 202, "district": 202, "street": 202, "community": 202,
         "convener": 202, "other_convener": 202, "other_street": 202, "pending": 202,
         "owner_org": 202, "anonymous": 202, "token": 202},
        body=lambda w: {"username": "chen.dawen", "password": "Jindi-garden-2026", "real_name": "陈大文",
                        "mobile": "13800138000", "organisation_kind": "preparatory_group",
                        "organisation_name": "金地花园筹备组", "estate_id": w["b"]}),

    # --- associations (R-ORG-1) -----------------------------------------------------------
    Row("GET /api/orgs/associations", "a filtered list for every signed-in caller", "/api/orgs/associations",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 200, "other_street": 200, "pending": 200,
         "owner_org": 200, "anonymous": 401, "token": 200}),
    Row("POST /api/orgs/associations", "only members apply for their organisation (convener's, for b)",
        "/api/orgs/associations",
        {"city": 404, "district": 404, "street": 404, "community": 404,
         "convener": 201, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 201},
        body=lambda w: {"organisation_id": w["convener_org"], "estate_id": w["b"]}),
    Row("POST /api/orgs/associations/{association_id}/decision",
        "Shatou street approves the application for b; the applicant sees but may not decide it",
        "/api/orgs/associations/{pending_assoc}/decision",
        {"city": 404, "district": 404, "street": 200, "community": 404,
         "convener": 404, "other_convener": 404, "other_street": 404, "pending": 403,
         "owner_org": 404, "anonymous": 401, "token": 404},
        body={"decision": "approved"}),
    Row("POST /api/orgs/associations/{association_id}/decision",
        "Shatou street revokes the convener of a; the convener sees but may not revoke itself",
        "/api/orgs/associations/{convener_assoc}/decision",
        {"city": 404, "district": 404, "street": 200, "community": 404,
         "convener": 403, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 403},
        body={"decision": "revoked", "reason": "业主委员会任期届满"}),
    Row("POST /api/orgs/associations/{association_id}/decision",
        "Futian district decides Shatou street's own association",
        "/api/orgs/associations/{street_assoc}/decision",
        {"city": 404, "district": 200, "street": 403, "community": 404,
         "convener": 404, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 404},
        body={"decision": "revoked", "reason": "机构调整"}),

    # --- API tokens: one's own only ----------------------------------------------------------
    Row("GET /api/orgs/tokens", "one's own tokens", "/api/orgs/tokens",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 200, "other_street": 200, "pending": 200,
         "owner_org": 200, "anonymous": 401, "token": 200}),
    Row("POST /api/orgs/tokens", "any signed-in caller", "/api/orgs/tokens",
        {"city": 201, "district": 201, "street": 201, "community": 201,
         "convener": 201, "other_convener": 201, "other_street": 201, "pending": 201,
         "owner_org": 201, "anonymous": 401, "token": 201},
        body={"name": "小程序"}),
    Row("DELETE /api/orgs/tokens/{token_id}", "the convener's second token: only the convener",
        "/api/orgs/tokens/{convener_token2}",
        {"city": 404, "district": 404, "street": 404, "community": 404,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200}),

    # --- account security (R-SEC-1): the convener's approver (Shatou street) and the city --------
    Row("GET /api/orgs/accounts", "the accounts one looks after (scoped)", "/api/orgs/accounts",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 200, "other_street": 200, "pending": 200,
         "owner_org": 200, "anonymous": 401, "token": 200}),
    Row("POST /api/orgs/accounts/{account_id}/enrolment-code", "the convener's enrolment code",
        "/api/orgs/accounts/{convener_user}/enrolment-code",
        {"city": 201, "district": 404, "street": 201, "community": 404,
         "convener": 404, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 404}),
    Row("POST /api/orgs/accounts/{account_id}/reset-second-factor", "the convener's lost phone",
        "/api/orgs/accounts/{convener_user}/reset-second-factor",
        {"city": 201, "district": 404, "street": 201, "community": 404,
         "convener": 404, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 404},
        body={"reason": "手机遗失，已当面核实"}),
    Row("POST /api/orgs/accounts/{account_id}/unlock", "the convener's sign-in lockout",
        "/api/orgs/accounts/{convener_user}/unlock",
        {"city": 200, "district": 404, "street": 200, "community": 404,
         "convener": 404, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 404}),

    # --- an organisation owner's authorised staff (R-ORG-2) ----------------------------------
    Row("GET /api/orgs/{organisation_id}/staff", "only the organisation's own people",
        "/api/orgs/{owner_org}/staff",
        {"city": 404, "district": 404, "street": 404, "community": 404,
         "convener": 404, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 200, "anonymous": 401, "token": 404}),
    Row("POST /api/orgs/{organisation_id}/staff", "only its administrators authorise",
        "/api/orgs/{owner_org}/staff",
        {"city": 404, "district": 404, "street": 404, "community": 404,
         "convener": 404, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 201, "anonymous": 401, "token": 404},
        body=lambda w: {"name": "李建国", "id_number": w["staff_id_number"], "mobile": "13712345678",
                        "valid_from": "2026-01-01"}),
    Row("DELETE /api/orgs/{organisation_id}/staff/{staff_id}", "only its administrators revoke",
        "/api/orgs/{owner_org}/staff/{authorised}",
        {"city": 404, "district": 404, "street": 404, "community": 404,
         "convener": 404, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 200, "anonymous": 401, "token": 404}),

    # --- estates ----------------------------------------------------------------------------
    Row("GET /api/estates", "a filtered list for every signed-in caller", "/api/estates",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 200, "other_street": 200, "pending": 200,
         "owner_org": 200, "anonymous": 401, "token": 200}),
    Row("POST /api/estates", "street, district and city register estates in Shatou", "/api/estates",
        {"city": 201, "district": 201, "street": 201, "community": 403,
         "convener": 403, "other_convener": 403, "other_street": 403, "pending": 403,
         "owner_org": 403, "anonymous": 401, "token": 403},
        body=lambda w: {"name": "新洲花园", "street_id": w["shatou"]}),
    Row("GET /api/estates/roster-template.xlsx", "the empty template", "/api/estates/roster-template.xlsx",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 200, "other_street": 200, "pending": 200,
         "owner_org": 200, "anonymous": 401, "token": 200}),
    Row("GET /api/estates/{estate_id}", "estate a: its hierarchy and its convener", "/api/estates/{a}",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200}),
    Row("GET /api/estates/{estate_id}", "estate b: a pending application sees nothing", "/api/estates/{b}",
        {"city": 200, "district": 200, "street": 200, "community": 404,
         "convener": 404, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 404}),
    Row("GET /api/estates/{estate_id}", "estate c in Nanshan: Futian's bodies stop at the border",
        "/api/estates/{c}",
        {"city": 200, "district": 404, "street": 404, "community": 404,
         "convener": 404, "other_convener": 200, "other_street": 200, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 404}),
    Row("PATCH /api/estates/{estate_id}", "estate a settings: its convener only (R-ROSTER-1, R-ROSTER-5)",
        "/api/estates/{a}",
        {"city": 403, "district": 403, "street": 403, "community": 403,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200},
        body={"reason": "业主大会议事规则第八条", "parking_counts": True}),

    # --- flats and owners -------------------------------------------------------------------
    Row("GET /api/estates/{estate_id}/flats", "roster of a, masked", "/api/estates/{a}/flats",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200}),
    Row("GET /api/estates/{estate_id}/flats", "roster of c: Nanshan only", "/api/estates/{c}/flats",
        {"city": 200, "district": 404, "street": 404, "community": 404,
         "convener": 404, "other_convener": 200, "other_street": 200, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 404}),
    Row("PATCH /api/estates/{estate_id}/flats/{flat_id}", "correct a flat of a (R-ROSTER-2)",
        "/api/estates/{a}/flats/{flat}",
        {"city": 403, "district": 403, "street": 403, "community": 403,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200},
        body={"reason": "按不动产登记簿更正", "area": "90.12"}),
    Row("PATCH /api/estates/{estate_id}/flats/{flat_id}", "a flat of a named under estate c is not found",
        "/api/estates/{c}/flats/{flat}",
        {"city": 404, "district": 404, "street": 404, "community": 404,
         "convener": 404, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 404},
        body={"reason": "按不动产登记簿更正", "area": "90.12"}),
    Row("POST /api/estates/{estate_id}/owners/{owner_id}/reveal", "plaintext for the convener only (R-SEC-1)",
        "/api/estates/{a}/owners/{owner}/reveal",
        {"city": 403, "district": 403, "street": 403, "community": 403,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200},
        body={"field": "mobile"}),

    # --- import and export (R-ROSTER-4) -----------------------------------------------------
    Row("GET /api/estates/{estate_id}/imports", "imports of a", "/api/estates/{a}/imports",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200}),
    Row("POST /api/estates/{estate_id}/imports", "upload a roster for a", "/api/estates/{a}/imports",
        {"city": 403, "district": 403, "street": 403, "community": 403,
         "convener": 201, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 201},
        body=lambda w: {"file": csv_upload(["101", "102"])}, multipart=True),
    Row("POST /api/estates/{estate_id}/imports", "upload a roster for c: the Nanshan side",
        "/api/estates/{c}/imports",
        {"city": 403, "district": 404, "street": 404, "community": 404,
         "convener": 404, "other_convener": 201, "other_street": 403, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 404},
        body=lambda w: {"file": csv_upload(["101"])}, multipart=True),
    Row("GET /api/estates/{estate_id}/imports/{batch_id}", "a previewed import of a",
        "/api/estates/{a}/imports/{batch}",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200}),
    Row("POST /api/estates/{estate_id}/imports/{batch_id}/apply", "apply it (R-ROSTER-2: reason and files)",
        "/api/estates/{a}/imports/{batch}/apply",
        {"city": 403, "district": 403, "street": 403, "community": 403,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200},
        body=lambda w: {"reason": "新增1栋103", "files": [evidence()]}, multipart=True),
    Row("GET /api/estates/{estate_id}/imports/{batch_id}/errors.xlsx",
        "the file marked up: whoever may import; a previewed file has nothing to mark (409)",
        "/api/estates/{a}/imports/{batch}/errors.xlsx",
        {"city": 403, "district": 403, "street": 403, "community": 403,
         "convener": 409, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 409}),
    Row("POST /api/estates/{estate_id}/imports/{batch_id}/discard", "discard it",
        "/api/estates/{a}/imports/{batch}/discard",
        {"city": 403, "district": 403, "street": 403, "community": 403,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200}),
    Row("GET /api/estates/{estate_id}/export.xlsx", "masked export of a", "/api/estates/{a}/export.xlsx",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200}),

    # --- totals and history (R-ROSTER-1, R-ROSTER-2) ----------------------------------------
    Row("GET /api/estates/{estate_id}/totals", "totals of a", "/api/estates/{a}/totals",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200}),
    Row("POST /api/estates/{estate_id}/totals/confirm", "the convener confirms a's totals",
        "/api/estates/{a}/totals/confirm",
        {"city": 403, "district": 403, "street": 403, "community": 403,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200},
        body=lambda w: {"reason": "名册核对完毕", "files": [evidence()]}, multipart=True),
    Row("GET /api/estates/{estate_id}/changes", "history of a", "/api/estates/{a}/changes",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200}),

    # --- meetings (R-MTG-1..6): staff of every level; the owners' view is in owner_rows_meetings
    Row("GET /api/meetings/{meeting_id}", "a's publicised meeting: the hierarchy above a sees it",
        "/api/meetings/{published}",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200}),
    Row("GET /api/meetings/{meeting_id}", "a's draft: its convener's alone", "/api/meetings/{draft}",
        {"city": 404, "district": 404, "street": 404, "community": 404,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200}),
    Row("POST /api/meetings", "set up a meeting of a: its convener only (R-MTG-1)", "/api/meetings",
        {"city": 403, "district": 403, "street": 403, "community": 403,
         "convener": 201, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 201},
        body=lambda w: meeting_body(w["a"])),
    Row("POST /api/meetings", "set up a meeting of c: the Nanshan side", "/api/meetings",
        {"city": 403, "district": 404, "street": 404, "community": 404,
         "convener": 404, "other_convener": 201, "other_street": 403, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 404},
        body=lambda w: meeting_body(w["c"])),
    Row("POST /api/meetings/{meeting_id}/publish", "publicise a's entered meeting (R-MTG-3)",
        "/api/meetings/{entered}/publish",
        {"city": 403, "district": 403, "street": 403, "community": 403,
         "convener": 200, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 200}),
    Row("POST /api/meetings/{meeting_id}/guidance", "guidance: a's street office only (R-MTG-2)",
        "/api/meetings/{entered}/guidance",
        {"city": 403, "district": 403, "street": 201, "community": 403,
         "convener": 403, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 403},
        body={"text": "请补充会议议程。"}),
    Row("GET /api/meetings/{meeting_id}/notice", "the public notice: anybody",
        "/api/meetings/{published}/notice",
        {"city": 200, "district": 200, "street": 200, "community": 200,
         "convener": 200, "other_convener": 200, "other_street": 200, "pending": 200,
         "owner_org": 200, "anonymous": 200, "token": 200}),
    Row("PUT /api/calendar/years/{year}", "the holiday calendar: the city operator only (R-MTG-4)",
        "/api/calendar/years/2027",
        {"city": 200, "district": 403, "street": 403, "community": 403,
         "convener": 403, "other_convener": 403, "other_street": 403, "pending": 403,
         "owner_org": 403, "anonymous": 401, "token": 403},
        body={"holidays": ["2027-01-01"], "workdays": [], "source": "国务院办公厅通知（测试）"}),

    # --- impersonation signals (R-TRUST-1): the handling street office reviews; the district
    # above it reads; nobody else sees them ----------------------------------------------------
    Row("GET /api/signals", "the signals list: street offices and district bureaus", "/api/signals",
        {"city": 403, "district": 200, "street": 200, "community": 403,
         "convener": 403, "other_convener": 403, "other_street": 200, "pending": 403,
         "owner_org": 403, "anonymous": 401, "token": 403}),
    Row("GET /api/signals/{signal_id}", "a's signal: Shatou street and Futian district (read-only)",
        "/api/signals/{signal}",
        {"city": 404, "district": 200, "street": 200, "community": 404,
         "convener": 404, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 404}),
    Row("POST /api/signals/{signal_id}/review", "reviewing a's signal: its handling street office only",
        "/api/signals/{signal}/review",
        {"city": 404, "district": 403, "street": 200, "community": 404,
         "convener": 404, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 404},
        body={"outcome": "dismissed", "note": "核实为一家人共用手机"}),
    Row("POST /api/signals/{signal_id}/reveal", "reveal: the handling office (422 without a reason)",
        "/api/signals/{signal}/reveal",
        {"city": 404, "district": 403, "street": 422, "community": 404,
         "convener": 404, "other_convener": 404, "other_street": 404, "pending": 404,
         "owner_org": 404, "anonymous": 401, "token": 404},
        body={"item": 0, "field": "mobile", "reason": ""}),
]
# fmt: on


def _signal(estate, street) -> int:
    """An open impersonation signal of estate a, handled by Shatou street office (R-TRUST-1)."""
    from ownervote.trust.models import Signal

    return Signal.objects.create(
        estate=estate,
        kind="shared_mobile",
        key="matrix",
        handler_kind="street_office",
        handler_division=street,
        evidence=[{"type": "binding", "id": 1, "mobile": "139****0001"}],
        evidence_count=1,
        first_seen_at=timezone.now(),
        last_seen_at=timezone.now(),
    ).pk


def _starts(days: int, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.timezone(dt.timedelta(hours=8)))


def meeting_body(estate_id: int, days: int = 30) -> dict:
    """The input of a meeting ``days`` from today with one yes/no item."""
    return {
        "estate_id": estate_id,
        "kind": "regular",
        "title": "业主大会会议",
        "place": "小区会所",
        "method": "mixed",
        "starts_at": _starts(days).isoformat(),
        "voting_opens_at": _starts(days).isoformat(),
        "voting_closes_at": _starts(days, 18).isoformat(),
        "topics": [
            {
                "title": "物业管理",
                "items": [{"title": "是否续聘物业服务企业", "kind": "question", "category": 4}],
            }
        ],
    }


def _meetings(convener, estate) -> dict[str, int]:
    """A draft of estate a, one entered today and one publicised today."""
    from ownervote.meetings import services as meetings
    from tests.meetings.conftest import guide
    from tests.owners import ensure_totals

    made = []
    for days in (25, 26, 27):
        body = meeting_body(estate.pk, days)
        body.pop("estate_id")
        for key in ("starts_at", "voting_opens_at", "voting_closes_at"):
            body[key] = dt.datetime.fromisoformat(body[key])
        made.append(meetings.meeting_create(actor=convener, estate_id=estate.pk, **body))
    draft, entered, published = made
    ensure_totals(estate, convener)  # R-ROSTER-1: entered on confirmed totals
    for meeting in (entered, published):
        meetings.meeting_submit(actor=convener, meeting_id=meeting.pk)
    for meeting in (entered, published):
        guide(meeting)  # art. 12, R-MTG-2: publicised after the guidance
    meetings.meeting_publish(actor=convener, meeting_id=published.pk)
    return {"draft": draft.pk, "entered": entered.pk, "published": published.pk}


def registered_routes() -> set[str]:
    """Every METHOD + path registered in the NinjaAPI, in the form the rows use."""
    api.urls  # noqa: B018 - builds the bound routers
    routes = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            full = re.sub("/+", "/", f"/api/{prefix}/{path}").rstrip("/")
            routes |= {f"{method} {full}" for op in view.operations for method in op.methods}
    return routes


def test_every_route_has_a_row():
    """A new endpoint without a row here or in the owner table fails: decide who may call it first."""
    from .test_owner_api_matrix import ROWS as OWNER_ROWS

    assert registered_routes() == {row.route for row in ROWS} | {row.route for row in OWNER_ROWS}


def test_every_row_lists_every_role():
    for row in ROWS:
        assert tuple(row.expected) == ROLES, row.id


@pytest.fixture(autouse=True)
def _registration_not_throttled(settings):
    """The registration row is called once per role, from one address, naming one mobile."""
    settings.OWNERVOTE_REGISTER_PER_IP_PER_HOUR = 1000
    settings.OWNERVOTE_REGISTER_PER_MOBILE_PER_DAY = 1000


@contextmanager
def rolled_back():
    """Each cell starts from the same world: its writes are undone afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def world(staff, estates, geo):
    """The objects the rows name, made through the services the console uses."""
    convener = staff["convener"]
    for estate_key, keeper in (("a", convener), ("c", staff["other_convener"])):
        batch = roster_services.import_preview(
            actor=keeper,
            estate_id=estates[estate_key].pk,
            upload=Upload.from_django(csv_upload(["101", "102"])),
        )
        roster_services.import_apply(actor=keeper, batch_id=batch.pk, reason="初次导入")
    flat = estates["a"].flats.order_by("room").first()
    owner = flat.ownerships.get().owner
    pending_batch = roster_services.import_preview(
        actor=convener,
        estate_id=estates["a"].pk,
        upload=Upload.from_django(csv_upload(["101", "102", "103"])),
    )
    assert pending_batch.status == "previewed", pending_batch.errors

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
        valid_from="2026-01-01",
    )
    _, bearer = org_services.create_api_token(actor=convener, name="matrix")
    second, _ = org_services.create_api_token(actor=convener, name="second")
    newcomer = "44030419820202456"  # the person the POST staff row authorises
    return {
        "users": {**staff, "owner_org": admin},
        "bearer": bearer,
        "ids": {
            "a": estates["a"].pk,
            "b": estates["b"].pk,
            "c": estates["c"].pk,
            "shatou": geo["shatou"].pk,
            "flat": flat.pk,
            "owner": owner.pk,
            "batch": pending_batch.pk,
            "pending_assoc": staff["pending"].memberships.get().organisation.associations.get().pk,
            "convener_assoc": convener.memberships.get().organisation.associations.get().pk,
            "street_assoc": staff["street"].memberships.get().organisation.associations.get().pk,
            "convener_org": convener.memberships.get().organisation_id,
            "convener_token2": second.pk,
            "convener_user": convener.pk,
            "owner_org": org.pk,
            "authorised": authorised.pk,
            "staff_id_number": newcomer + resident_id_check_digit(newcomer),
            **_meetings(convener, estates["a"]),
            "signal": _signal(estates["a"], geo["shatou"]),
        },
    }


def call(world: dict, role: str, row: Row):
    client = Client()
    headers = {}
    if role == "token":
        headers["Authorization"] = f"Bearer {world['bearer']}"
    elif role != "anonymous":
        client.force_login(world["users"][role])
    path = row.path.format(**world["ids"])
    body = row.body(world["ids"]) if callable(row.body) else row.body
    method = getattr(client, row.route.split()[0].lower())
    if row.multipart:
        return method(path, body, headers=headers)
    if body is None:
        return method(path, headers=headers)
    return method(path, body, content_type="application/json", headers=headers)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_api_matrix(world, row):  # R-ORG-1 R-ORG-2 R-ROSTER-1 R-ROSTER-2 R-ROSTER-4 R-SEC-1 R-MTG-1..4
    got = {}
    for role in ROLES:
        with rolled_back():
            response = call(world, role, row)
        got[role] = response.status_code
        if response.status_code >= 400:
            # Every refusal is the structured error body.
            assert set(response.json()) == {"error"}, (role, response.content)
    wrong = {
        role: f"expected {want}, got {got[role]}" for role, want in row.expected.items() if got[role] != want
    }
    assert not wrong, wrong
