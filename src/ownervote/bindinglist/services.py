"""Publishing the binding list (R-BIND-3, art. 14, 29) and owners' objections to it (R-BIND-4,
art. 15). Each change is one transaction: scope and permission check, row locks, the state
transition, the change, its audit event (estate stream) and the inbox rows of the people told
about it (SMS copies leave only after the commit)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.bindings.models import Binding
from ownervote.bindings.services import end_binding
from ownervote.core import files, pii, validators
from ownervote.core.access import fetch
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError, require
from ownervote.core.files import Upload
from ownervote.core.files import read as read_file
from ownervote.core.files import store as store_file
from ownervote.core.models import StoredFile
from ownervote.notify import sms_titles
from ownervote.notify.services import notify
from ownervote.orgs import scoping
from ownervote.roster.models import Estate
from ownervote.rules import publicity

from . import documents, permissions, selectors
from .access import Need, access_list, access_listed_binding, access_objection, access_publication
from .errors import PERIOD_CODES, Code
from .models import Extension, Objection, Publication

REASON_MIN_CHARS = 10
MAX_OBJECTION_FILES = 5
MAX_TEXT = 4000

PERIOD_MESSAGES = {
    publicity.STARTS_IN_PAST: _("The publicity cannot start before today."),
    publicity.ENDS_BEFORE_START: _("The publicity cannot end before it starts."),
}

# What an objection's files may be, by their content (core.files.typed): images and whole PDFs.
_TYPES = (files.PDF, files.PNG, files.JPEG, files.GIF, files.WEBP)


def _clean(text: str, limit: int = MAX_TEXT) -> str:
    return (text or "").strip()[:limit]


# --- publication (R-BIND-3) -------------------------------------------------------------------


def _period_error(problems: list[str], starts_on: dt.date) -> InvalidInput:
    code = problems[0]
    if code == publicity.TOO_SHORT:
        message = _(
            "The publicity must last at least %(days)d days, the first day not counted: starting on "
            "%(start)s it can end on %(end)s at the earliest."
        ) % {
            "days": publicity.PUBLICITY_MIN_DAYS,
            "start": starts_on.isoformat(),
            "end": publicity.earliest_end(starts_on).isoformat(),
        }
    else:
        message = PERIOD_MESSAGES[code]
    return InvalidInput(PERIOD_CODES[code], message, details={"problems": problems})


def _require_no_clash(clashing) -> None:
    """409 ``publication.overlap`` naming the first of the live publications ``clashing`` with a
    new or extended period (R-BIND-3: one list of an estate on display at a time)."""
    clash = clashing.order_by("starts_on").first()
    if clash is not None:
        raise Conflict(
            Code.PUBLICATION_OVERLAP,
            _("A publication of this estate's binding list already runs from %(start)s to %(end)s.")
            % {"start": clash.starts_on.isoformat(), "end": clash.ends_on.isoformat()},
        )


def publish(*, actor, estate_id: int, starts_on: dt.date, ends_on: dt.date, note: str = "") -> Publication:
    """The convener publishes the estate's binding list from ``starts_on`` to ``ends_on`` (at
    least 10 days, the first not counted: art. 14, 29). Records the number of bindings and the
    SHA-256 of the list as published, the convener's real name and organisation; the estate's
    bound owners are told in their inbox (messages are written in the platform's language: owners
    read Chinese)."""
    today = timezone.localdate()
    with transaction.atomic():
        estate = access_list(actor, estate_id, need=Need.PUBLISH, lock=True)
        problems = publicity.publicity_problems(starts_on, ends_on, today)
        if problems:
            raise _period_error(problems, starts_on)
        _require_no_clash(
            selectors.live_publications(estate).filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        )
        rows = selectors.list_rows(estate)
        organisation = selectors.organisation_of(actor, estate)
        publication = Publication.objects.create(
            estate=estate,
            starts_on=starts_on,
            ends_on=ends_on,
            note=_clean(note),
            binding_count=len(rows),
            list_digest=selectors.list_digest(rows),
            published_by=actor,
            publisher_real_name=actor.display_name(),
            publisher_organisation=organisation,
        )
        record(
            actor=actor,
            action="bindinglist.published",
            obj=publication,
            estate_id=estate.pk,
            summary={
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "binding_count": publication.binding_count,
                "list_digest": publication.list_digest,
                "organisation": organisation.pk,
                "publisher_real_name": publication.publisher_real_name,
            },
        )
        with translation.override(settings.LANGUAGE_CODE):
            body = gettext(
                "The convener has published the identity verification and flat binding list of "
                "%(estate)s from %(start)s to %(end)s. Please check your own entry; if any entry is "
                "wrong you may object in writing during this period."
            ) % {"estate": estate.name, "start": starts_on.isoformat(), "end": ends_on.isoformat()}
            notify(
                users=selectors.bound_owner_users(estate),
                kind="bindinglist.published",
                title=gettext("The binding list of %(estate)s is published") % {"estate": estate.name},
                body=body,
                link=reverse("bindinglist:owner", args=[estate.pk]),
                estate=estate,
            )
    return publication


def withdraw(*, actor, publication_id: int, reason: str) -> Publication:
    """The convener withdraws a publication that has not ended yet, with the reason."""
    reason = _clean(reason)
    with transaction.atomic():
        publication = access_publication(actor, publication_id, need=Need.PUBLISH)
        fetch(Estate.objects, publication.estate_id, lock=True)  # orders the changes of the estate's list
        require(
            reason,
            InvalidInput(Code.PUBLICATION_REASON_REQUIRED, _("Give the reason for the withdrawal.")),
        )
        publication = fetch(Publication.objects, publication.pk, lock=True)
        require(
            publication.withdrawn_at is None,
            Conflict(Code.PUBLICATION_WITHDRAWN, _("This publication has already been withdrawn.")),
        )
        require(
            publication.ends_on >= timezone.localdate(),
            Conflict(Code.PUBLICATION_ENDED, _("This publication has already ended.")),
        )
        publication.withdrawn_at = timezone.now()
        publication.withdraw_reason = reason
        publication.save(update_fields=["withdrawn_at", "withdraw_reason"])
        record(
            actor=actor,
            action="bindinglist.withdrawn",
            obj=publication,
            estate_id=publication.estate_id,
            summary={
                "starts_on": publication.starts_on.isoformat(),
                "ends_on": publication.ends_on.isoformat(),
                "reason": reason,
            },
        )
        estate = publication.estate
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                users=selectors.bound_owner_users(estate),
                kind="bindinglist.withdrawn",
                title=gettext("The binding list publication of %(estate)s was withdrawn")
                % {"estate": estate.name},
                body=gettext("The publication from %(start)s to %(end)s was withdrawn. Reason: %(reason)s")
                % {
                    "start": publication.starts_on.isoformat(),
                    "end": publication.ends_on.isoformat(),
                    "reason": reason,
                },
                link=reverse("bindinglist:owner", args=[estate.pk]),
                estate=estate,
            )
    return publication


def extend(*, actor, publication_id: int, ends_on: dt.date, reason: str) -> Publication:
    """The convener moves the end of a live publication that has not ended later, to ``ends_on``
    (R-BIND-3: a list running when a meeting is publicised serves it only if it still runs at
    least 10 days from the meeting's publicity start; otherwise it is extended). The earlier end
    is kept (``Extension``); the estate's bound owners are told in their inbox."""
    reason = _clean(reason)
    with transaction.atomic():
        publication = access_publication(actor, publication_id, need=Need.PUBLISH)
        fetch(Estate.objects, publication.estate_id, lock=True)  # orders the changes of the estate's list
        publication = fetch(Publication.objects, publication.pk, lock=True)
        require(reason, InvalidInput(Code.EXTENSION_REASON_REQUIRED, _("Give the reason for the extension.")))
        require(
            publication.withdrawn_at is None,
            Conflict(Code.PUBLICATION_WITHDRAWN, _("This publication has already been withdrawn.")),
        )
        require(
            publication.ends_on >= timezone.localdate(),
            Conflict(Code.PUBLICATION_ENDED, _("This publication has already ended.")),
        )
        previous = publication.ends_on
        require(
            ends_on > previous,
            InvalidInput(
                Code.EXTENSION_NOT_LATER,
                _("An extension must end after %(end)s, the publication's present end.")
                % {"end": previous.isoformat()},
            ),
        )
        _require_no_clash(
            selectors.live_publications(publication.estate)
            .exclude(pk=publication.pk)
            .filter(starts_on__lte=ends_on, ends_on__gt=previous)
        )
        publication.ends_on = ends_on
        publication.save(update_fields=["ends_on"])
        extension = Extension.objects.create(
            publication=publication,
            previous_ends_on=previous,
            ends_on=ends_on,
            reason=reason,
            extended_by=actor,
            extender_real_name=actor.display_name(),
        )
        estate = publication.estate
        record(
            actor=actor,
            action="bindinglist.extended",
            obj=publication,
            estate_id=estate.pk,
            summary={
                "extension": extension.pk,
                "starts_on": publication.starts_on.isoformat(),
                "previous_ends_on": previous.isoformat(),
                "ends_on": ends_on.isoformat(),
                "reason": reason,
            },
        )
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                users=selectors.bound_owner_users(estate),
                kind="bindinglist.extended",
                title=gettext("The binding list publication of %(estate)s is extended")
                % {"estate": estate.name},
                body=gettext(
                    "The publication of the binding list of %(estate)s now runs until %(end)s instead of "
                    "%(before)s (%(reason)s). You may object in writing until then."
                )
                % {
                    "estate": estate.name,
                    "end": ends_on.isoformat(),
                    "before": previous.isoformat(),
                    "reason": reason,
                },
                link=reverse("bindinglist:owner", args=[estate.pk]),
                estate=estate,
            )
    return publication


# --- documents --------------------------------------------------------------------------------


def list_document(*, actor, estate_id: int) -> documents.ListDocument:
    """What the PDF and the .xlsx show, for whoever may see the list (nothing is logged here)."""
    estate, rows = selectors.binding_list_for(actor, estate_id)
    publication = selectors.shown_publication(estate)
    if publication is not None:
        convener = publication.publisher_organisation.name
    else:
        organisation = selectors.organisation_of(actor, estate)
        convener = organisation.name if organisation else ""
    return documents.ListDocument(
        estate_id=estate.pk,
        estate_name=estate.name,
        rows=rows,
        publication=publication,
        convener=convener,
        generated_at=timezone.now(),
        digest=selectors.list_digest(rows),
    )


def _downloaded(actor, doc: documents.ListDocument, fmt: str) -> None:
    with transaction.atomic():
        record(
            actor=actor,
            action="bindinglist.downloaded",
            object_type="roster.estate",
            object_id=doc.estate_id,
            estate_id=doc.estate_id,
            summary={
                "format": fmt,
                "rows": len(doc.rows),
                "list_digest": doc.digest,
                "publication": doc.publication.pk if doc.publication else None,
            },
        )


def list_pdf(*, actor, estate_id: int) -> bytes:
    """The list as a printable PDF, for whoever may see it; the download is logged."""
    doc = list_document(actor=actor, estate_id=estate_id)
    content = documents.list_pdf(doc)  # laid out outside the transaction: it takes a while
    _downloaded(actor, doc, "pdf")
    return content


def list_xlsx(*, actor, estate_id: int) -> bytes:
    """The list as .xlsx, for whoever may see it; the download is logged."""
    doc = list_document(actor=actor, estate_id=estate_id)
    content = documents.list_xlsx(doc)
    _downloaded(actor, doc, "xlsx")
    return content


# --- objections (R-BIND-4) --------------------------------------------------------------------


def _checked_upload(upload: Upload) -> Upload:
    refused = InvalidInput(
        Code.OBJECTION_FILE_TYPE, _("%(name)s is not an image or a PDF file.") % {"name": upload.name}
    )
    return files.typed(upload, _TYPES, refused=refused)


def _objection_window(actor, binding: Binding) -> tuple[Publication | None, ServiceError | None]:
    """The running publication ``actor`` may object to ``binding`` in, or why they may not now."""
    if not permissions.can_object(actor, binding.estate):
        return None, Forbidden(
            Code.OBJECTION_NOT_OWNER,
            _(
                "Only an owner of this estate, verified by identity, can object to its binding list: "
                "verify your identity first."
            ),
        )
    if binding.user_id == actor.pk:
        return None, InvalidInput(
            Code.OBJECTION_OWN_BINDING,
            _("This is your own binding. To end it, unbind the flat under “My flats”."),
        )
    publication = selectors.running_publication(binding.estate)
    if publication is None:
        return None, Conflict(
            Code.OBJECTION_OUTSIDE_PUBLICITY,
            _("Objections can only be filed while the binding list is being publicised."),
        )
    if binding.status != Binding.Status.ACTIVE:
        return None, Conflict(Code.OBJECTION_BINDING_ENDED, _("This binding has already ended."))
    if Objection.objects.filter(binding=binding, filed_by=actor, status=Objection.Status.FILED).exists():
        return None, Conflict(
            Code.OBJECTION_DUPLICATE,
            _("You have already objected to this binding; the convener is checking it."),
        )
    return publication, None


def objection_refusal(*, actor, binding: Binding) -> ServiceError | None:
    """Why ``actor`` may not object to ``binding`` (reached with ``access_listed_binding``) now,
    or None when they may: the owner's page shows the refusal instead of the form. 403 for a
    reader without a binding in the estate (its staff); 422 for one's own binding; 409 outside the
    publicity, against an ended binding, or when the actor's earlier objection to it is still
    being checked."""
    return _objection_window(actor, binding)[1]


def objection_file(*, actor, binding_id: int, reason: str, files: Sequence[Upload] = ()) -> Objection:
    """An owner of the estate, bound or not, verified (R-BIND-4: ``permissions.is_estate_owner``),
    objects in writing to one of its bindings while the list's publicity runs (art. 15); the
    convener decides by the publicity's last day. The estate's conveners and the bound owner are
    told; who objected is not told to the bound owner."""
    reason = (reason or "").strip()
    files = list(files or ())
    with transaction.atomic():
        binding = access_listed_binding(actor, binding_id, lock=True)
        publication, refusal = _objection_window(actor, binding)
        if refusal is not None:
            raise refusal
        estate = binding.estate
        require(
            len(reason) >= REASON_MIN_CHARS,
            InvalidInput(
                Code.OBJECTION_REASON_TOO_SHORT,
                _("Explain in writing what is wrong (at least %(n)d characters).") % {"n": REASON_MIN_CHARS},
            ),
        )
        require(
            len(files) <= MAX_OBJECTION_FILES,
            InvalidInput(
                Code.OBJECTION_TOO_MANY_FILES,
                _("At most %(n)d files can be attached.") % {"n": MAX_OBJECTION_FILES},
            ),
        )
        uploads = [_checked_upload(f) for f in files]
        objection = Objection.objects.create(
            publication=publication, binding=binding, filed_by=actor, reason=reason[:MAX_TEXT]
        )
        stored = [store_file(u, uploaded_by=actor) for u in uploads]
        if stored:
            objection.files.add(*stored)
        flat = f"{binding.flat.building.name}-{binding.flat.room}"
        record(
            actor=actor,
            action="bindinglist.objection_filed",
            obj=objection,
            estate_id=estate.pk,
            summary={
                "binding": binding.pk,
                "flat": flat,
                "publication": publication.pk,
                "files": [{"name": s.name, "sha256": s.sha256, "size": s.size} for s in stored],
            },
        )
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                users=scoping.convener_users(estate),
                kind="objection.filed",
                title=gettext("Objection to the binding of %(flat)s") % {"flat": flat},
                body=gettext(
                    "An owner objects to the binding of %(flat)s in %(estate)s. Check it within the "
                    "publicity period (until %(end)s) and record the outcome."
                )
                % {"flat": flat, "estate": estate.name, "end": publication.ends_on.isoformat()},
                link=reverse("bindinglist:objection_detail", args=[estate.pk, objection.pk]),
                estate=estate,
            )
            notify(
                users=[binding.user],
                kind="objection.against_you",
                title=gettext("An objection to your flat binding"),
                body=gettext(
                    "An owner has objected to your flat binding; the convener will check it. "
                    "Flat: %(estate)s %(flat)s."
                )
                % {"flat": flat, "estate": estate.name},
                link=reverse("bindinglist:owner", args=[estate.pk]),
                estate=estate,
            )
    return objection


OUTCOMES = {
    "upheld": Objection.Status.UPHELD,
    "corrected": Objection.Status.CORRECTED,
    "dismissed": Objection.Status.DISMISSED,
}


def _correction(status: str, name: str, mobile: str) -> tuple[str, str]:
    """The corrected name and mobile of a CORRECTED outcome (at least one; a mobile that is one),
    both empty for another outcome."""
    name, mobile = " ".join((name or "").split())[:100], validators.normalise_mobile(mobile or "")
    if status != Objection.Status.CORRECTED:
        return "", ""
    require(
        name or mobile,
        InvalidInput(
            Code.OBJECTION_CORRECTION_REQUIRED,
            _("Give the corrected name or mobile number the list should show."),
        ),
    )
    require(
        not mobile or validators.is_valid_mobile(mobile),
        InvalidInput(Code.OBJECTION_CORRECTION_MOBILE, _("The corrected mobile number is not valid.")),
    )
    return name, mobile


def objection_decide(
    *,
    actor,
    objection_id: int,
    outcome: str,
    check_note: str,
    outcome_note: str = "",
    corrected_name: str = "",
    corrected_mobile: str = "",
) -> Objection:
    """The convener records what was checked and the outcome (art. 15, R-BIND-4): ``upheld``, the
    binding was not genuine and ends (OBJECTION_UPHELD); ``corrected``, the data the list shows for
    the binding (name, mobile: ``corrected_name``, ``corrected_mobile``, at least one) is corrected
    and the binding stays; ``dismissed``. The convener decides within the publicity; a decision
    after it is still recorded, marked late in the log (the supervising office was shown it as
    overdue). Upheld and corrected outcomes are announced on the owners' list page. The filer and
    the bound owner are told, with an SMS copy."""
    check_note, outcome_note = _clean(check_note), _clean(outcome_note)
    with transaction.atomic():
        objection = access_objection(actor, objection_id, need=Need.DECIDE)
        estate = objection.binding.estate
        new_status = OUTCOMES.get(outcome)
        require(
            new_status is not None,
            InvalidInput(
                Code.OBJECTION_OUTCOME, _("Choose the outcome: upheld, data corrected or dismissed.")
            ),
        )
        require(
            check_note,
            InvalidInput(Code.OBJECTION_CHECK_REQUIRED, _("Describe what was checked.")),
        )
        name, mobile = _correction(new_status, corrected_name, corrected_mobile)
        objection = fetch(Objection.objects, objection.pk, lock=True)
        require(
            new_status in Objection.TRANSITIONS[Objection.Status(objection.status)],
            Conflict(Code.OBJECTION_DECIDED, _("This objection has already been decided.")),
        )
        binding = (
            Binding.objects.select_for_update()
            .select_related("estate", "flat", "flat__building", "user")
            .get(pk=objection.binding_id)
        )
        ended_now = new_status == Objection.Status.UPHELD and binding.status == Binding.Status.ACTIVE
        if ended_now:
            end_binding(
                binding=binding, reason=Binding.EndReason.OBJECTION_UPHELD, note=outcome_note, ended_by=actor
            )
        if name:
            pii.seal(objection, "corrected_name", name)
        if mobile:
            pii.seal(objection, "corrected_mobile", mobile)
        objection.status = new_status
        objection.check_note = check_note
        objection.outcome_note = outcome_note
        objection.decided_by = actor
        objection.decider_real_name = actor.display_name()
        objection.decided_at = timezone.now()
        objection.save()
        due_on = Publication.objects.values_list("ends_on", flat=True).get(pk=objection.publication_id)
        flat = f"{binding.flat.building.name}-{binding.flat.room}"
        record(
            actor=actor,
            action="bindinglist.objection_decided",
            obj=objection,
            estate_id=estate.pk,
            summary={
                "outcome": new_status,
                "binding": binding.pk,
                "flat": flat,
                "binding_ended": ended_now,
                "corrected": {
                    "name": objection.corrected_name_masked,
                    "mobile": objection.corrected_mobile_masked,
                },
                "due_on": due_on.isoformat(),
                "late": timezone.localdate() > due_on,
                "decider_real_name": objection.decider_real_name,
                # The notes are free text that may name people: the log keeps their digests,
                # which prove the stored notes unchanged, not the text.
                "check_note_sha256": hashlib.sha256(check_note.encode()).hexdigest(),
                "outcome_note_sha256": hashlib.sha256(outcome_note.encode()).hexdigest(),
            },
        )
        _tell_decision(objection, binding=binding, flat=flat, estate=estate, owner_told=ended_now)
    return objection


def _tell_decision(
    objection: Objection, *, binding: Binding, flat: str, estate: Estate, owner_told: bool
) -> None:
    """The filer and the bound owner are told the outcome, by message and SMS, in the platform's
    language. An ended binding already told its owner, with the outcome note, by message and SMS
    (``bindings.services.end_binding``: ``owner_told``): one message for one event."""
    upheld = objection.status == Objection.Status.UPHELD
    outcome_note = objection.outcome_note
    with translation.override(settings.LANGUAGE_CODE):
        outcome = str(Objection.Status(objection.status).label)
        note = ("\n" + gettext("Note: %(note)s") % {"note": outcome_note}) if outcome_note else ""
        if upheld:
            filer_body = gettext(
                "Your objection to the binding of %(flat)s was checked and upheld; the binding has "
                "been ended."
            )
            owner_body = ""  # bindings.end_binding tells the owner
        elif objection.status == Objection.Status.CORRECTED:
            filer_body = gettext(
                "Your objection to the binding of %(flat)s was checked; the data on the binding list "
                "has been corrected."
            )
            owner_body = gettext(
                "After an objection was checked, the data the binding list shows for your binding of "
                "%(flat)s has been corrected; your binding stays."
            )
        else:
            filer_body = gettext("Your objection to the binding of %(flat)s was checked and dismissed.")
            owner_body = gettext(
                "The objection to your binding of %(flat)s was checked and dismissed; your binding stays."
            )
        link = reverse("bindinglist:owner", args=[estate.pk])
        notify(
            users=[objection.filed_by],
            kind="objection.decided",
            title=gettext("Your objection was %(outcome)s") % {"outcome": outcome},
            body=filer_body % {"flat": flat} + note,
            link=link,
            estate=estate,
            sms=True,
            sms_title=sms_titles.OBJECTION_DECIDED,
        )
        if not owner_told:
            notify(
                users=[binding.user],
                kind="objection.decided",
                title=gettext("Objection to your binding %(outcome)s") % {"outcome": outcome},
                body=owner_body % {"flat": flat} + note,
                link=link,
                estate=estate,
                sms=True,
                sms_title=sms_titles.BINDING_OBJECTION_DECIDED,
            )


def objection_file_read(*, actor, objection_id: int, file_id: int) -> tuple[StoredFile, bytes]:
    """A file attached to an objection, for whoever sees the objection; the read is logged."""
    objection = access_objection(actor, objection_id)
    stored = objection.files.filter(pk=file_id).first()
    require(stored is not None, NotFound(Code.FILE_NOT_FOUND, _("File not found.")))
    with transaction.atomic():
        record(
            actor=actor,
            action="file.read",
            obj=stored,
            estate_id=objection.binding.estate_id,
            summary={"purpose": "objection", "objection": objection.pk, "name": stored.name},
        )
        content = read_file(stored)
    return stored, content
