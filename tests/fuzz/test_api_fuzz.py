"""API fuzzing (issue 19, "Keep it so"; SPEC §4: a bad input is refused with a structured error,
never a 500; the API is documented by OpenAPI): schemathesis generates requests from
/api/openapi.json, for every operation and each role, and sends them in-process through Django's
WSGI handler to the seeded demo (its estate, owners, three meetings, a result, a complaint), so the
routes do real work. Every response must:

- not be a server error (``not_a_server_error``),
- have a status its operation documents (``status_code_conformance``),
- have a documented content type (``content_type_conformance``) and match the documented schema
  (``response_schema_conformance``),
- and, for a request the document says is valid, not be refused as unparsable (422
  ``invalid_input``): the document must say what the validation checks (issue 19 point 11).

Bounded for CI: ``OWNERVOTE_FUZZ_EXAMPLES`` examples per operation and role (3 by default),
derandomized and without an example database, so CI never flakes. Run longer locally with
``make fuzz FUZZ_EXAMPLES=200`` (README "Development"), from a random seed (``FUZZ_SEED``).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ownervote.api import api
from ownervote.bindinglist.models import Objection, Publication
from ownervote.bindings.models import Binding
from ownervote.complaints.models import Complaint
from ownervote.core.models import StoredFile
from ownervote.meetings.models import CalendarYear, Meeting, MeetingDocument
from ownervote.orgs.models import ApiToken, Association, AuthorisedStaff, Division, Organisation
from ownervote.roster.models import Estate, Flat, ImportBatch, Owner
from ownervote.verification.models import Verification
from ownervote.voting.models import CountSession, Extension, Proxy, Representative

from .conftest import ROLES

EXAMPLES = int(os.environ.get("OWNERVOTE_FUZZ_EXAMPLES", "3"))
# CI: derandomized (the same examples every run). ``make fuzz`` sets a seed, random unless given.
SEED = os.environ.get("OWNERVOTE_FUZZ_SEED", "").strip()

pytestmark = [pytest.mark.fuzz]


@schemathesis.check
def documented_validation(ctx, response, case):
    """A request generated from the document as valid must not fail the request's validation: a
    422 ``invalid_input`` whose ``details`` are the validation's list of fields (``loc``) means the
    code validates more than the document says. A service's refusal by the state of things (a
    close that is not later than the present one) carries its own details and is not this.
    Multipart bodies are left out: their wire form loses what the document allows (Django drops a
    file part without a file name, ninja reads an empty form field as missing)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    if (case.media_type or "").startswith("multipart/"):
        return None
    error = response.json().get("error", {})
    if error.get("code") == "invalid_input" and isinstance(error.get("details"), list):
        raise AssertionError(f"valid by the document, refused as invalid_input: {error['details']}")
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    documented_validation,
]

# Path parameters -> the rows they name, so most requests reach a real object and do real work.
KNOWN = {
    "meeting_id": Meeting,
    "estate_id": Estate,
    "division_id": Division,
    "association_id": Association,
    "token_id": ApiToken,
    "organisation_id": Organisation,
    "staff_id": AuthorisedStaff,
    "flat_id": Flat,
    "owner_id": Owner,
    "batch_id": ImportBatch,
    "verification_id": Verification,
    "binding_id": Binding,
    "publication_id": Publication,
    "objection_id": Objection,
    "document_id": MeetingDocument,
    "file_id": StoredFile,
    "complaint_id": Complaint,
    "representative_id": Representative,
    "proxy_id": Proxy,
    "extension_id": Extension,
    "session_id": CountSession,
}


def _known_values() -> dict[str, list]:
    values = {
        name: list(model.objects.order_by("pk").values_list("pk", flat=True)) for name, model in KNOWN.items()
    }
    values["year"] = sorted(CalendarYear.objects.values_list("year", flat=True))
    values["number"] = [1, 2]
    values["round"] = [1, 2]
    return {name: found for name, found in values.items() if found}


def _strategy(operation, mode: GenerationMode, known: dict[str, list]):
    cases = operation.as_strategy(generation_mode=mode)
    names = [p.name for p in operation.path_parameters if p.name in known]
    if not names or not mode.is_positive:
        return cases
    real = st.fixed_dictionaries({name: st.sampled_from(known[name]) for name in names})

    def aim(drawn):
        case, use_real, ids = drawn
        if use_real:
            case.path_parameters = {**(case.path_parameters or {}), **ids}
        return case

    return st.tuples(cases, st.sampled_from([True, True, False]), real).map(aim)


def _fuzz(operation, caller, known) -> list[str]:
    failures: list[str] = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @settings(
            max_examples=EXAMPLES,
            derandomize=not SEED,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_strategy(operation, mode, known))
        def run(case):
            with transaction.atomic():
                try:
                    case.call_and_validate(headers=caller.headers, checks=CHECKS)
                finally:
                    transaction.set_rollback(True)

        if SEED:
            run = seed(int(SEED))(run)
        try:
            run()
        except Unsatisfiable:  # nothing to make invalid (no parameters, an unconstrained string)
            continue
        except (Exception, BaseExceptionGroup) as exc:  # collect it, go on with the other operations
            failures.append(f"{operation.label} [{caller.role}, {mode.value}]\n{exc}")
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_documented(role, fuzz_world, in_process):
    """SPEC §4 (a structured error, never a 500; the API documented by OpenAPI), R-SEC-1 (no
    traceback leaks), issue 19 points 8 and 11: every operation, fuzzed as ``role``."""
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = WSGIHandler()
    known = _known_values()
    failures: list[str] = []
    for result in schema.get_all_operations():
        failures += _fuzz(result.ok(), fuzz_world[role], known)
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
