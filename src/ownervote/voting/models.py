"""Voting (Shenzhen rules art. 16-24; SPEC R-VOTE-1..9, R-PAPER-1..4, R-TALLY-9, R-SEC-3).

- ``RollFlat``: the flats that count in a meeting, frozen when voting opens (area and counted owner
  per R-ROSTER-3), so that progress, reminders and the tally all read one fixed electorate.
- ``Progress``: live counters per meeting and per building, so that a page polling them never
  rescans the ballots (R-VOTE-2); ``ProgressSlot``: what the transactions adding ballots add to
  them, spread over a few rows so that concurrent casts do not queue on one row (issue 21).
- ``Submission`` (a receipt), ``Ballot`` (one per flat) and ``Choice`` (one row per item or chosen
  candidate, with the flat's area and counted owner copied on it so that the tally is one GROUP BY):
  append-only. The ORM refuses changes on every database; on PostgreSQL triggers refuse UPDATE and
  DELETE underneath (migration 0002). One electronic ballot per flat per meeting and one counted
  paper ballot per flat per meeting are unique constraints.
- ``Representative``: the co-owner chosen by the flat's co-owners to vote for it (R-VOTE-8).
- ``Proxy`` and ``ProxyHolder``: written proxies (R-VOTE-6, R-VOTE-7); the holder row is what a
  new proxy locks, so that no holder ever has a fourth owner at once.
- ``Extension``: the convener's request to extend the voting, decided by the street office
  (R-VOTE-5).
- ``Reminder`` and ``ReminderRecipient``: reminders to flats that have not voted, at most one a
  person a day (R-VOTE-2).
- ``CountSession`` and ``PaperEntry``: the public count of paper ballots (R-PAPER-3): entries are
  drafts (first entry, optional independent second entry, resolution) until the session commits
  them as paper ``Ballot`` rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ownervote.core.appendonly import AppendOnlyModel
from ownervote.core.pii import pii_fields


class Answer(models.TextChoices):
    YES = "yes", pgettext_lazy("vote", "yes")  # 同意
    NO = "no", pgettext_lazy("vote", "no")  # 反对
    ABSTAIN = "abstain", pgettext_lazy("vote", "abstain")  # 弃权


class Channel(models.TextChoices):
    ELECTRONIC = "electronic", _("electronic ballot")
    PAPER = "paper", _("paper ballot")


class RollFlat(models.Model):
    """A flat that counts in the meeting, as it stood when voting opened: its area (voting rights,
    R-ROSTER-4) and its counted owner (``rules.counting.owner_group``, R-ROSTER-3, R-TALLY-9)."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="roll")
    flat = models.ForeignKey("roster.Flat", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("roster.Building", on_delete=models.PROTECT, related_name="+")
    area = models.DecimalField(max_digits=12, decimal_places=2)
    owner_group = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "flat"], name="rollflat_unique")]
        indexes = [
            models.Index(fields=["meeting", "building"], name="rollflat_meeting_building"),
            models.Index(fields=["meeting", "owner_group"], name="rollflat_meeting_group"),
        ]


class Progress(models.Model):
    """Live counters: one row per meeting (``building`` empty) and one per building. Totals are
    set when voting opens; the ``*_voted`` figures grow in the transaction that adds ballots.
    ``owners`` counts counted owners (R-ROSTER-3): a group of flats voting together counts once."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="progress")
    building = models.ForeignKey(
        "roster.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    flats_total = models.PositiveIntegerField(default=0)
    area_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    owners_total = models.PositiveIntegerField(default=0)
    flats_voted = models.PositiveIntegerField(default=0)
    area_voted = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    owners_voted = models.PositiveIntegerField(default=0)
    electronic = models.PositiveIntegerField(default=0)  # flats with a counted electronic ballot
    paper = models.PositiveIntegerField(default=0)  # flats with a counted paper ballot
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "building"],
                condition=Q(building__isnull=False),
                name="progress_one_per_building",
            ),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(building__isnull=True), name="progress_one_per_meeting"
            ),
        ]


class ProgressSlot(models.Model):
    """What the casts add to a ``Progress`` row, split over ``SLOTS`` rows (issue 21): a cast
    increments one slot of its building and one of its meeting (chosen from its flat), so that
    casts in a deadline rush do not all wait on one row's lock. A figure is its ``Progress`` row's
    (the totals, and voted figures a bulk load or a fold wrote there) plus the sum of its slots
    (``services.progress``). Created with the counters when voting opens; a missing slot is
    created by the first cast that needs it."""

    SLOTS = 8

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(
        "roster.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    slot = models.PositiveSmallIntegerField()
    flats_voted = models.PositiveIntegerField(default=0)
    area_voted = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    owners_voted = models.PositiveIntegerField(default=0)
    electronic = models.PositiveIntegerField(default=0)
    paper = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "building", "slot"],
                condition=Q(building__isnull=False),
                name="progress_slot_per_building",
            ),
            models.UniqueConstraint(
                fields=["meeting", "slot"],
                condition=Q(building__isnull=True),
                name="progress_slot_per_meeting",
            ),
        ]


class Submission(AppendOnlyModel):
    """One accepted electronic submission: the receipt. It covers one flat, or every flat of one
    counted owner (R-TALLY-9). ``digest`` is SHA-256 over the ballot's canonical content and a
    random ``salt`` (so that a published digest cannot be reversed by trying every answer)."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="submissions")
    code = models.CharField(_("receipt code"), max_length=16, unique=True)
    salt = models.CharField(max_length=32)
    digest = models.CharField(_("ballot hash"), max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proxy = models.ForeignKey(
        "voting.Proxy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cast_at = models.DateTimeField()
    # Where it came from (R-TRUST-1 signals): the keyed hash of the browser's device cookie
    # (core.devices; no fingerprinting beyond it) and the client's network address.
    device_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "cast_at", "id"]


class Ballot(AppendOnlyModel):
    """One flat's ballot in a meeting, electronic or paper (R-VOTE-1, R-PAPER-1). ``partial``: some
    item was left unmarked (counted as an abstention, R-TALLY-1). ``superseded``: a paper ballot of
    a flat that also voted electronically, kept on record but not counted (R-PAPER-1)."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="ballots")
    flat = models.ForeignKey("roster.Flat", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="ballots"
    )
    count_session = models.ForeignKey(
        "voting.CountSession", null=True, blank=True, on_delete=models.PROTECT, related_name="ballots"
    )
    binding = models.ForeignKey(
        "bindings.Binding", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proxy = models.ForeignKey(
        "voting.Proxy", null=True, blank=True, on_delete=models.PROTECT, related_name="ballots"
    )
    area = models.DecimalField(max_digits=12, decimal_places=2)
    owner_group = models.CharField(max_length=64)
    partial = models.BooleanField(default=False)
    superseded = models.BooleanField(default=False)
    dated_on = models.DateField(null=True, blank=True)  # the date written on a paper ballot
    cast_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "cast_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="ballot_channel_valid"),
            # R-VOTE-1: one electronic ballot per flat per meeting, whoever submits it.
            models.UniqueConstraint(
                fields=["meeting", "flat"],
                condition=Q(channel="electronic"),
                name="ballot_one_electronic_per_flat",
            ),
            # One paper ballot per flat per count: corrections happen before a paper ballot is committed.
            models.UniqueConstraint(
                fields=["meeting", "flat"], condition=Q(channel="paper"), name="ballot_one_paper_per_flat"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        channel="electronic",
                        submission__isnull=False,
                        cast_by__isnull=False,
                        count_session__isnull=True,
                        superseded=False,
                    )
                    | Q(
                        channel="paper",
                        submission__isnull=True,
                        count_session__isnull=False,
                        dated_on__isnull=False,
                    )
                ),
                name="ballot_channel_fields",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "flat"], name="ballot_meeting_flat")]


class Choice(AppendOnlyModel):
    """One mark on a ballot: the answer to a question, a chosen candidate (answer ``yes``), or an
    explicit abstention on an election (no candidate, answer ``abstain``). An item the voter left
    unmarked has no row. ``area``, ``owner_group`` and ``counted`` are copied from the ballot so that
    a tally is one GROUP BY over this table."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="choices")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("meetings.Item", on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        "meetings.Candidate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.CharField(max_length=8, choices=Answer.choices)
    area = models.DecimalField(max_digits=12, decimal_places=2)
    owner_group = models.CharField(max_length=64)
    counted = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(answer__in=Answer.values), name="choice_answer_valid"),
            models.CheckConstraint(
                condition=Q(candidate__isnull=True) | Q(answer="yes"), name="choice_candidate_is_yes"
            ),
            models.UniqueConstraint(
                fields=["ballot", "item"],
                condition=Q(candidate__isnull=True),
                name="choice_one_answer_per_item",
            ),
            models.UniqueConstraint(
                fields=["ballot", "candidate"],
                condition=Q(candidate__isnull=False),
                name="choice_candidate_once",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "item", "counted"], name="choice_tally")]


class Representative(models.Model):
    """The co-owner the co-owners of a flat choose to vote for it in a meeting (R-VOTE-8, art. 21).
    It takes effect when every co-owner bound to the flat when voting opened has consented (the
    proposer consents by proposing) and must be in effect before the flat's ballot is cast."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("awaiting the other co-owners")
        EFFECTIVE = "effective", _("agreed by every co-owner")
        WITHDRAWN = "withdrawn", _("withdrawn")

    TRANSITIONS = {
        Status.PROPOSED: {Status.EFFECTIVE, Status.WITHDRAWN},
        Status.EFFECTIVE: {Status.WITHDRAWN},
        Status.WITHDRAWN: set(),
    }

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="+")
    flat = models.ForeignKey("roster.Flat", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(auto_now_add=True)
    effective_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "effective", "withdrawn"]),
                name="representative_status_valid",
            ),
            models.UniqueConstraint(
                fields=["meeting", "flat"],
                condition=Q(status__in=["proposed", "effective"]),
                name="representative_one_live_per_flat",
            ),
        ]


class RepresentativeConsent(models.Model):
    representative = models.ForeignKey(Representative, on_delete=models.PROTECT, related_name="consents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["representative", "user"], name="representative_consent_once")
        ]


class ProxyHolder(models.Model):
    """A person holding proxies in an estate, identified by the keyed hash of their ID number. A
    new proxy locks this row before counting the holder's live proxies (at most three owners,
    R-VOTE-6), so that four proxies created at the same instant still give three."""

    estate = models.ForeignKey("roster.Estate", on_delete=models.PROTECT, related_name="+")
    id_number_hash = models.CharField(max_length=64)
    user = models.ForeignKey(  # the account that signs in as the proxy, linked on first use
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proxy_holdings",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["estate", "id_number_hash"], name="proxyholder_unique"),
        ]


class Proxy(models.Model):
    """A written proxy (授权委托书) from a bound owner for one meeting (R-VOTE-6, art. 20)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("in force")
        REVOKED = "revoked", pgettext_lazy("proxy", "revoked")

    TRANSITIONS = {Status.ACTIVE: {Status.REVOKED}, Status.REVOKED: set()}
    MAX_OWNERS_PER_HOLDER = 3  # Shenzhen regulation art. 18

    estate = models.ForeignKey("roster.Estate", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="proxies")
    owner = models.ForeignKey(
        "roster.Owner", on_delete=models.PROTECT, related_name="+"
    )  # the owner delegating
    grantor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    flats = models.ManyToManyField("roster.Flat", related_name="+")  # the owner's flats the proxy votes for
    holder = models.ForeignKey(ProxyHolder, on_delete=models.PROTECT, related_name="proxies")
    name_enc, name_masked, name_hash = pii_fields(_("proxy's name"))
    id_number_enc, id_number_masked, id_number_hash = pii_fields(_("proxy's ID number"))
    mobile_enc, mobile_masked, mobile_hash = pii_fields(_("proxy's mobile"))
    matters = models.TextField(_("matters delegated"))  # e.g. every item of the meeting
    authority = models.TextField(_("authority"))  # e.g. vote at the proxy's discretion / as instructed
    term_from = models.DateField(_("term from"))
    term_until = models.DateField(_("term until"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    document = models.ForeignKey(
        "core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The proxy confirmed accepting it (art. 20), signed in with the mobile the proxy names and
    # verified with its ID number; only then may the proxy vote (services.proxy_acceptance).
    confirmed_at = models.DateTimeField(_("accepted by the proxy at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Where it came from (R-TRUST-1 signals): the keyed hash of the browser's device cookie
    # (core.devices; no fingerprinting beyond it) and the client's network address.
    device_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("proxy")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["active", "revoked"]), name="proxy_status_valid"),
            models.CheckConstraint(condition=Q(term_until__gte=F("term_from")), name="proxy_term_valid"),
            models.UniqueConstraint(
                fields=["meeting", "owner"], condition=Q(status="active"), name="proxy_one_active_per_owner"
            ),
            models.CheckConstraint(  # accepted by somebody, at a time, or neither
                condition=Q(confirmed_at__isnull=True, confirmed_by__isnull=True)
                | Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="proxy_confirmed_by_whom",
            ),
        ]


class Extension(models.Model):
    """A request to extend the voting period (R-VOTE-5, art. 19); only approval moves the close."""

    class Reason(models.TextChoices):
        FORCE_MAJEURE = "force_majeure", _("force majeure")
        ACCIDENT = "accident", _("accident")
        TECHNICAL = "technical", _("technical failure")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("awaiting the street office")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    TRANSITIONS = {
        Status.REQUESTED: {Status.APPROVED, Status.REFUSED},
        Status.APPROVED: set(),
        Status.REFUSED: set(),
    }

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="extensions")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    explanation = models.TextField(_("explanation"))
    closes_at_before = models.DateTimeField()
    closes_at_requested = models.DateTimeField(_("new close"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=["force_majeure", "accident", "technical"]),
                name="extension_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "approved", "refused"]), name="extension_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(closes_at_requested__gt=F("closes_at_before")), name="extension_moves_later"
            ),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(status="requested"), name="extension_one_pending"
            ),
        ]


class Reminder(models.Model):
    """One press of "remind those who have not voted" (R-VOTE-2)."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="reminders")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)  # people messaged
    skipped = models.PositiveIntegerField(default=0)  # people already reminded that day

    class Meta:
        ordering = ["meeting", "-sent_at", "-id"]


class ReminderRecipient(models.Model):
    """Who was reminded on which Beijing day: the unique constraint is the once-a-day limit."""

    reminder = models.ForeignKey(Reminder, on_delete=models.PROTECT, related_name="sent_to")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user", "on_date"], name="reminder_once_a_day"),
        ]


class CountSession(models.Model):
    """A public count of paper ballots (R-PAPER-3, art. 24): the caller (唱票人), the counter
    (计票人) and the scrutineer (监票人) are recorded, the street office's staff invited."""

    class Status(models.TextChoices):
        OPEN = "open", _("counting")
        COMMITTED = "committed", pgettext_lazy("count session", "counted")

    TRANSITIONS = {Status.OPEN: {Status.COMMITTED}, Status.COMMITTED: set()}

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="count_sessions")
    caller = models.CharField(_("caller"), max_length=100)
    counter = models.CharField(_("counter"), max_length=100)
    scrutineer = models.CharField(_("scrutineer"), max_length=100)
    invited = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True
    )  # street-office staff
    place = models.CharField(_("place"), max_length=300, blank=True)
    double_entry = models.BooleanField(_("second independent entry"), default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "opened_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "committed"]), name="countsession_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(caller="") & ~Q(counter="") & ~Q(scrutineer=""), name="countsession_three_roles"
            ),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(status="open"), name="countsession_one_open"
            ),
        ]


class PaperEntry(models.Model):
    """What a clerk typed for one paper ballot: ``round`` 1 is the entry, 2 the independent second
    entry (when the session asks for one), 3 the resolution of a mismatch. ``answers`` maps an item
    id (as a string) to "yes" / "no" / "abstain" for a question, or to a list of candidate ids (or
    "abstain") for an election; an item left blank on the paper is absent."""

    class Round(models.IntegerChoices):
        FIRST = 1, _("first entry")
        SECOND = 2, _("second entry")
        RESOLVED = 3, _("resolution")

    class Received(models.TextChoices):
        """How the paper reached the convener (art. 11, R-PAPER-2)."""

        BOX = "box", _("ballot box")
        HAND = "hand", _("handed in")

    session = models.ForeignKey(CountSession, on_delete=models.PROTECT, related_name="entries")
    flat = models.ForeignKey("roster.Flat", on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(choices=Round.choices)
    answers = models.JSONField(default=dict)
    dated_on = models.DateField(_("date on the ballot"))
    # When and how the paper was received (R-PAPER-2: before the electronic close): the time the
    # ballot box was closed and collected, or the time the owner handed it in. Empty only on
    # entries made before it was recorded.
    received_via = models.CharField(_("received by"), max_length=8, choices=Received.choices, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    invalid = models.BooleanField(default=False)  # a spoilt paper: recorded, counts as no ballot
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "flat", "round"]
        constraints = [
            models.UniqueConstraint(fields=["session", "flat", "round"], name="paperentry_unique"),
            models.CheckConstraint(condition=Q(round__in=[1, 2, 3]), name="paperentry_round_valid"),
            models.CheckConstraint(
                condition=Q(received_via__in=["box", "hand"], received_at__isnull=False)
                | Q(received_via="", received_at__isnull=True),
                name="paperentry_received_recorded",
            ),
        ]


class BallotSeal(models.Model):
    """The counted ballots of a meeting, sealed once a version of its result is publicised (R-SEC-6):
    ``sealed`` while no correction is open. The results app seals them when it publicises a
    version (``version``: the last version that sealed them) and unseals them only while a
    correction of the publicised result, with its reason, is open; the correction's new version
    seals them again. While sealed, no count session opens, no paper entry changes and no ballot
    is written: the paper services refuse (``services.seal``) and, underneath, triggers refuse
    the inserts (migration 0006, SQLite and PostgreSQL)."""

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.PROTECT, related_name="ballot_seal")
    sealed = models.BooleanField(default=True)
    version = models.PositiveIntegerField()
    changed_at = models.DateTimeField()
