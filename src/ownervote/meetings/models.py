"""Owners' assemblies (业主大会会议): the meeting, its topics and voting items, every published
version, its documents, the street office's guidance, its publicity, the eligibility snapshot taken
when voting opens, and the operator's corrections to the official holiday calendar.

Rules for electronic voting in property management of Shenzhen, art. 10-13, 18; SPEC R-MTG-1..8,
R-VOTE-4, R-BIND-2. Dates are decided by ``ownervote.rules.schedule``; this module only stores them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ownervote.core.appendonly import AppendOnlyModel
from ownervote.orgs import scoping


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("regular meeting")  # 定期会议
    TEMPORARY = "temporary", _("temporary meeting")  # 临时会议
    FIRST = "first", _("first owners' assembly")  # 首次业主大会会议


class MeetingMethod(models.TextChoices):  # R-MTG-7, art. 10, 11
    ELECTRONIC = "electronic", _("electronic voting")
    PAPER = "paper", _("paper voting")
    MIXED = "mixed", _("electronic voting with paper ballots as a supplement")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("entered")  # entered in the system (art. 12 "录入…发起投票")
    PUBLISHED = "published", _("publicised")
    VOTING = "voting", _("voting")
    CLOSED = "closed", _("voting closed")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "cancelled")


class Meeting(models.Model):
    Kind = MeetingKind
    Method = MeetingMethod
    Status = MeetingStatus

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.CANCELLED},
        Status.SUBMITTED: {Status.PUBLISHED, Status.CANCELLED},
        Status.PUBLISHED: {Status.VOTING, Status.CANCELLED},
        Status.VOTING: {Status.CLOSED},
        Status.CLOSED: set(),
        Status.CANCELLED: set(),
    }
    # Time, place, topics and items may change until the meeting is held (art. 12 last para.).
    CHANGEABLE = {Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED}

    estate = models.ForeignKey("roster.Estate", on_delete=models.PROTECT, related_name="meetings")
    convener = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("convener")
    )
    kind = models.CharField(_("kind of meeting"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=300)
    method = models.CharField(_("voting method"), max_length=16, choices=Method.choices)
    # The meeting is held from starts_at (its day, in Beijing time, is the day the deadlines count
    # back from); voting runs from voting_opens_at to voting_closes_at.
    starts_at = models.DateTimeField(_("meeting starts"))
    voting_opens_at = models.DateTimeField(_("voting opens"))
    voting_closes_at = models.DateTimeField(_("voting closes"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)  # the number of the current MeetingVersion
    # Set on submission (entry, R-MTG-1) and kept: the guidance window counts from it.
    submitted_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    entered_on = models.DateField(_("entered on"), null=True, blank=True)
    # Computed by rules.schedule whenever the dates change, stored for queries and the worker.
    guidance_ends_on = models.DateField(null=True, blank=True)
    invitation_on = models.DateField(null=True, blank=True)
    publicity_starts_on = models.DateField(null=True, blank=True)
    publicity_ends_on = models.DateField(null=True, blank=True)
    voting_opened_at = models.DateTimeField(null=True, blank=True)  # the eligibility snapshot's time
    # The estate's counting settings, frozen when the meeting is first publicised (issue 24 item 5):
    # whether non-voters count with the majority (随多数, R-TALLY-7) and whether parking spaces count
    # (R-ROSTER-5). The notice and the ballot show them; the roll and the result count with them,
    # whatever the estate's settings become during the meeting. None until publicised: until then
    # the estate's current settings apply (``counting_settings``).
    follow_majority = models.BooleanField(_("non-voters are counted with the majority (随多数)"), null=True)
    parking_counts = models.BooleanField(_("parking spaces count towards area and owners"), null=True)
    # The community committee's staff the scheduled invitation is addressed to (R-MTG-4): 0 when it
    # reaches nobody (the committee has no account); the convener and the supervisor are told.
    invitation_recipients = models.PositiveIntegerField(null=True, blank=True)
    # Voting did not open at voting_opens_at because the estate's totals are not confirmed or no
    # longer match the roster (art. 7, 25, R-ROSTER-1): when, and what differs (the page shows it);
    # cleared when voting opens after the convener confirms the totals again.
    opening_refused_at = models.DateTimeField(null=True, blank=True)
    opening_refusal = models.JSONField(default=dict, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("owners' assembly meeting")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"),
            models.CheckConstraint(condition=Q(method__in=MeetingMethod.values), name="meeting_method_valid"),
            models.CheckConstraint(
                condition=Q(voting_closes_at__gt=F("voting_opens_at")),
                name="meeting_voting_closes_after_open",
            ),
            models.CheckConstraint(
                condition=Q(voting_opens_at__gte=F("starts_at")), name="meeting_voting_within_meeting"
            ),
        ]
        indexes = [models.Index(fields=["estate", "status"], name="meeting_estate_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def publicised(self) -> bool:
        """The meeting was publicised: its public notice exists (also once cancelled or closed)."""
        return self.publicity_starts_on is not None

    @property
    def counting_frozen(self) -> bool:
        return self.follow_majority is not None and self.parking_counts is not None

    def counting_settings(self) -> tuple[bool, bool]:
        """(follow_majority, parking_counts) this meeting counts with: frozen at its publicity, or
        the estate's current settings before it is publicised."""
        if self.counting_frozen:
            return bool(self.follow_majority), bool(self.parking_counts)
        return self.estate.follow_majority, self.estate.parking_counts

    @property
    def counts_follow_majority(self) -> bool:
        return self.counting_settings()[0]

    @property
    def counts_parking(self) -> bool:
        return self.counting_settings()[1]

    def freeze_counting(self) -> bool:
        """Freeze the estate's counting settings on the meeting, once (at its first publicity).
        True when it froze them now."""
        if self.counting_frozen:
            return False
        self.follow_majority = self.estate.follow_majority
        self.parking_counts = self.estate.parking_counts
        return True

    @property
    def supervised_by_district(self) -> bool:
        """A district bureau supervises the meeting: its convener is a street office (R-ORG-3,
        ``orgs.scoping.supervisor_of``). Pages then name the district where they would name the
        street office."""
        return scoping.supervisor_of(self.estate, self.convener.kind)[0] == scoping.K.DISTRICT_BUREAU


class Topic(models.Model):
    """A topic (议题) of the meeting; voting items hang under it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="topics")
    position = models.PositiveIntegerField()
    title = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="topic_position_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    """A voting item (表决事项): a yes/no/abstain question or an election."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("yes / no / abstain")
        ELECTION = "election", _("election")

    class Category(models.IntegerChoices):  # Civil Code art. 278 para. 1, items (1) to (9)
        PROCEDURE_RULES = 1, _("(1) make or amend the rules of procedure of the owners' assembly")
        MANAGEMENT_RULES = 2, _("(2) make or amend the management rules")
        COMMITTEE = 3, _("(3) elect the owners' committee or replace its members")
        MANAGER = 4, _("(4) engage or dismiss the property service company or other manager")
        FUND_USE = 5, _("(5) use the maintenance fund of the buildings and their facilities")
        FUND_RAISE = 6, _("(6) raise the maintenance fund of the buildings and their facilities")
        REBUILD = 7, _("(7) rebuild or reconstruct the buildings and their facilities")
        COMMON_USE = 8, _("(8) change the use of common parts or use them for business")
        OTHER = 9, _("(9) other major matters of common ownership and joint management")

    class Scope(models.TextChoices):  # R-MTG-9
        ESTATE = "estate", _("the whole estate")
        BUILDINGS = "buildings", _("one or more buildings")
        FLATS = "flats", _("a list of flats sharing a cost")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()  # across the whole meeting: item 1, 2, 3 ...
    title = models.CharField(_("voting item"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind of item"), max_length=16, choices=Kind.choices)
    category = models.PositiveSmallIntegerField(_("decision category"), choices=Category.choices)
    seats = models.PositiveIntegerField(_("seats"), null=True, blank=True)  # elections only
    max_choices = models.PositiveIntegerField(_("choices per ballot"), null=True, blank=True)  # elections
    # R-MTG-9: the part of the estate the item concerns; its flats alone vote on it and its totals,
    # quorum and thresholds are computed over them (from the roll frozen when voting opens).
    scope = models.CharField(
        _("voting scope"), max_length=16, choices=Scope.choices, default=Scope.ESTATE, db_default=Scope.ESTATE
    )
    scope_name = models.CharField(_("name of the flats sharing the cost"), max_length=100, blank=True)
    scope_buildings = models.ManyToManyField("roster.Building", blank=True, related_name="+")
    scope_flats = models.ManyToManyField("roster.Flat", blank=True, related_name="+")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=["estate", "buildings", "flats"]), name="item_scope_valid"
            ),
            models.UniqueConstraint(fields=["meeting", "position"], name="item_position_unique"),
            models.CheckConstraint(condition=Q(category__gte=1, category__lte=9), name="item_category_valid"),
            models.CheckConstraint(
                condition=(
                    Q(kind="question", seats__isnull=True, max_choices__isnull=True)
                    | Q(kind="election", seats__gte=1, max_choices__gte=1, max_choices__lte=F("seats"))
                ),
                name="item_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="candidates")
    position = models.PositiveIntegerField()
    name = models.CharField(_("candidate"), max_length=100)
    profile = models.TextField(_("profile"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="candidate_position_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingVersion(models.Model):
    """Every version of a meeting that was entered (submitted) or changed afterwards, frozen as JSON
    (time, place, method, voting period, topics, items, candidates) with its SHA-256 (R-MTG-6)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    digest = models.CharField(max_length=64)
    reason = models.TextField(_("reason for the change"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="meeting_version_unique"),
        ]


class MeetingDocument(models.Model):
    """A document publicised with the meeting. A first assembly needs one of each REQUIRED_FOR_FIRST
    kind before it can be published (R-MTG-5, art. 12 para. 3)."""

    class Kind(models.TextChoices):
        OWNER_LIST = "owner_list", _("list of all owners")
        TOTALS = "totals", _("total owners and total voting rights")
        MANAGEMENT_RULES = "management_rules", _("draft management rules")
        PROCEDURE_RULES = "procedure_rules", _("draft rules of procedure of the owners' assembly")
        VOTING_RULES = "voting_rules", _("voting rules")
        OTHER = "other", _("other document")

    REQUIRED_FOR_FIRST = (
        Kind.OWNER_LIST,
        Kind.TOTALS,
        Kind.MANAGEMENT_RULES,
        Kind.PROCEDURE_RULES,
        Kind.VOTING_RULES,
    )

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind of document"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)  # never deleted once published

    class Meta:
        ordering = ["kind", "id"]


class Guidance(models.Model):
    """The street office's guidance opinion (指导意见), within 5 days of entry (R-MTG-2)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="guidance")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_real_name = models.CharField(max_length=100)
    version = models.PositiveIntegerField()  # the meeting version the opinion was given on
    text = models.TextField(_("guidance opinion"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Publicity(models.Model):
    """One publication of the meeting notice: the version shown, from when to when. A change
    republishes (R-MTG-6) and supersedes the running one. The binding list publication (art. 14)
    that runs with it is linked."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="publicities")
    version = models.ForeignKey(MeetingVersion, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("publicity starts"))
    ends_on = models.DateField(_("publicity ends"))
    reason = models.TextField(blank=True)  # empty for the first publication; the change's reason after
    binding_publication = models.ForeignKey(
        "bindinglist.Publication", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "published_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="publicity_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(superseded_at__isnull=True), name="one_running_publicity"
            ),
        ]


class Eligibility(models.Model):
    """Who may vote how in a meeting, frozen when voting opens (R-VOTE-4, art. 18): one row per
    binding active at that moment, after the ownership re-check (R-BIND-2, art. 13); and one per
    binding made while it votes (the buyer of a flat sold during the vote, R-VOTE-10: paper only)."""

    class Mode(models.TextChoices):
        ELECTRONIC = "electronic", _("electronic or paper")
        PAPER_ONLY = "paper_only", _("paper ballot only")

    class Reason(models.TextChoices):
        NONE = "", _("none")
        BOUND_DURING_PUBLICITY = (
            "bound_during_publicity",
            _("the flat was bound during the meeting's publicity or the meeting itself (art. 18)"),
        )
        VERIFIED_DURING_PUBLICITY = (
            "verified_during_publicity",
            _("the identity was verified during the meeting's publicity or the meeting itself (art. 18)"),
        )

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="eligibility")
    binding = models.ForeignKey("bindings.Binding", on_delete=models.PROTECT, related_name="+")
    flat = models.ForeignKey("roster.Flat", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=16, choices=Mode.choices)
    reason = models.CharField(max_length=32, choices=Reason.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "binding"], name="eligibility_unique"),
            models.CheckConstraint(
                condition=Q(mode="electronic", reason="") | (Q(mode="paper_only") & ~Q(reason="")),
                name="eligibility_reason_when_paper_only",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "user"], name="eligibility_meeting_user")]


class CalendarYear(models.Model):
    """A year of the official holiday schedule (国务院办公厅关于节假日安排的通知) entered or corrected
    by the city operator. It replaces the shipped table of ``ownervote.rules.calendar`` for that
    year; a year in neither is refused, never guessed (R-MTG-4)."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    holidays = models.JSONField(default=list)  # ["2027-01-01", ...]: statutory days off
    workdays = models.JSONField(default=list)  # make-up working days (调休上班), often a weekend day
    source = models.CharField(_("source"), max_length=300)  # the notice, e.g. 国办发明电〔2025〕7号
    # Null when loaded without a person (a deploy script loading a published year).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("holiday calendar year")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarYearRequest(models.Model):
    """A convener's meeting refused because a year of the holiday calendar is not loaded
    (R-MTG-4): kept so that the city operator sees who waits for the year, and so that the
    convener is told when it is loaded (``answered_at``). Nothing is re-planned: the convener
    enters the meeting again. One open request per year, estate and person; a later refusal
    updates it."""

    year = models.PositiveIntegerField(_("year"))
    estate = models.ForeignKey("roster.Estate", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("meeting"), max_length=200, blank=True)
    # The meeting's dates that need the year: [{"code": "held_on", "date": "2027-01-11"}, ...]
    needs = models.JSONField(default=list)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    times = models.PositiveIntegerField(default=1)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request for a holiday calendar year")
        ordering = ["year", "first_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "estate", "requested_by"],
                condition=Q(answered_at__isnull=True),
                name="calendar_request_one_open",
            ),
            models.CheckConstraint(condition=Q(last_at__gte=F("first_at")), name="calendar_request_times"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.title}"


class NoticeService(AppendOnlyModel):
    """Proof of service (R-MTG-10): one way the meeting's notice reached the owners of one flat,
    when, in which version, and whether the text that reached them carried the warning that the
    estate counts non-voters with the majority (随多数, R-TALLY-7). Append-only: a court reads it
    before it accepts 随多数, so nothing here is ever changed or removed.

    - ``inbox_read``: the owner (``user``) opened the notice in the site's inbox (``at``: the time
      it was marked read); ``reference`` ``notification:<id>``.
    - ``sms_sent`` / ``wechat_sent``: the SMS provider or WeChat accepted the notice for the owner's
      mobile or WeChat account (``at``: when it answered); ``reference`` ``outbox:<id>``.
    - ``sms_delivered`` / ``wechat_delivered``: the provider's delivery report says the notice
      reached the owner's handset (``at``: the provider's time of the report); ``reference``
      ``outbox:<id>``, the same message as its ``_sent`` record, which stays: both are facts.
    - ``paper_posted``: the convener posted the printed notice where the flat's owners see it
      (``place``), with a photo of it on the wall (``photo``); ``recorded_by`` is accountable.
    """

    class Channel(models.TextChoices):
        INBOX_READ = "inbox_read", _("read in the site's inbox")
        SMS_SENT = "sms_sent", _("text message accepted by the provider")
        WECHAT_SENT = "wechat_sent", _("WeChat message accepted by WeChat")
        SMS_DELIVERED = "sms_delivered", _("text message delivered to the phone")
        WECHAT_DELIVERED = "wechat_delivered", _("WeChat message delivered")
        PAPER_POSTED = "paper_posted", _("paper notice posted by the convener")

    ELECTRONIC = (
        Channel.INBOX_READ,
        Channel.SMS_SENT,
        Channel.WECHAT_SENT,
        Channel.SMS_DELIVERED,
        Channel.WECHAT_DELIVERED,
    )
    # What proves the notice reached the owners (a read, a delivery report, the posted paper), as
    # against a provider's acceptance: the per-flat 送达 column prefers these (``served.first_service``).
    RECEIVED = (Channel.INBOX_READ, Channel.SMS_DELIVERED, Channel.WECHAT_DELIVERED, Channel.PAPER_POSTED)

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="services")
    flat = models.ForeignKey("roster.Flat", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("notice version"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    at = models.DateTimeField(_("served at"))
    warning_shown = models.BooleanField(
        _("warning on counting non-voters with the majority shown"), default=False
    )
    user = models.ForeignKey(  # the owner reached (electronic channels)
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=40, blank=True)  # "notification:12", "outbox:34"
    place = models.CharField(_("posted at"), max_length=200, blank=True)
    photo = models.ForeignKey(
        "core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proof of service of a meeting notice")
        ordering = ["meeting", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    channel__in=[
                        "inbox_read",
                        "sms_sent",
                        "wechat_sent",
                        "sms_delivered",
                        "wechat_delivered",
                        "paper_posted",
                    ]
                ),
                name="notice_service_channel_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        channel="paper_posted",
                        user__isnull=True,
                        photo__isnull=False,
                        recorded_by__isnull=False,
                    )
                    & ~Q(place="")
                )
                | (
                    Q(
                        channel__in=[
                            "inbox_read",
                            "sms_sent",
                            "wechat_sent",
                            "sms_delivered",
                            "wechat_delivered",
                        ],
                        user__isnull=False,
                        photo__isnull=True,
                    )
                    & ~Q(reference="")
                ),
                name="notice_service_channel_fields",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="notice_service_version_valid"),
            # One message serves one flat once per channel (sent, then delivered); one posted notice
            # (its photo) serves one flat once.
            models.UniqueConstraint(
                fields=["meeting", "flat", "user", "reference", "channel"],
                condition=Q(user__isnull=False),
                name="notice_service_once_per_message",
            ),
            models.UniqueConstraint(
                fields=["meeting", "flat", "photo"],
                condition=Q(photo__isnull=False),
                name="notice_service_once_per_posting",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "flat"], name="notice_service_meeting_flat")]
