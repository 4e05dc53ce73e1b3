"""The estate roster: buildings, flats (exclusive parts), owners and ownerships with history,
confirmed totals (R-ROSTER-1..5) and the history of changes (R-ROSTER-2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ownervote.core.pii import pii_fields
from ownervote.core.sorting import BUILDING_KEY_LENGTH, FLAT_KEY_LENGTH, flat_key, natural_key


class Estate(models.Model):
    """An estate (小区 / 物业管理区域): the unit that holds an owners' assembly."""

    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    street = models.ForeignKey(
        "orgs.Division", on_delete=models.PROTECT, related_name="estates", verbose_name=_("street")
    )
    community = models.ForeignKey(
        "orgs.Division",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_estates",
        verbose_name=_("community"),
    )
    # R-ROSTER-5: a setting of the estate's rules of procedure (SPC interpretation art. 2).
    parking_counts = models.BooleanField(
        _("parking spaces count towards area and owners"),
        default=False,
        help_text=_("Set by the estate's rules of procedure; shown with every total and result."),
    )
    # R-TALLY-7: non-voters' rights counted with the majority (随多数, 2009 MOHURD guidance rules
    # art. 26). Disputed under the Civil Code: off unless the rules of procedure say so.
    follow_majority = models.BooleanField(
        _("non-voters are counted with the majority (随多数)"),
        default=False,
        help_text=_(
            "Only where the estate's rules of procedure say so; every result computed with it says so."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("estate")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="estate_unique_name_in_street")
        ]

    def __str__(self) -> str:
        return self.name


class BuildingQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for b in objs:
            b.sort_key = natural_key(b.name)
        return super().bulk_create(objs, *args, **kwargs)


class Building(models.Model):
    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="buildings")
    name = models.CharField(_("building"), max_length=100)
    # Natural order of buildings (core.sorting, issue 22 item 7): "2栋" before "10栋".
    sort_key = models.CharField(max_length=BUILDING_KEY_LENGTH, default="", db_default="", editable=False)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        ordering = ["estate", "sort_key", "name"]
        constraints = [models.UniqueConstraint(fields=["estate", "name"], name="building_unique_name")]
        indexes = [models.Index(fields=["estate", "sort_key"], name="building_estate_sort_key")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.sort_key = natural_key(self.name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)
        # A renamed building: its flats' keys begin with the building's.
        flats = [
            f for f in self.flats.only("id", "room", "sort_key") if f.sort_key != flat_key(self.name, f.room)
        ]
        for f in flats:
            f.sort_key = flat_key(self.name, f.room)
        Flat.objects.bulk_update(flats, ["sort_key"], batch_size=2000)


class FlatQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for f in objs:
            f.sort_key = flat_key(f.building.name, f.room)
        return super().bulk_create(objs, *args, **kwargs)


class Flat(models.Model):
    """An exclusive part (专有部分): the unit a ballot is cast for."""

    class AreaSource(models.TextChoices):
        # SPC interpretation art. 8: register, failing that survey, failing that contract.
        REGISTER = "register", _("property register")
        SURVEY = "survey", _("surveyed area")
        CONTRACT = "contract", _("sales contract")

    class Use(models.TextChoices):
        RESIDENTIAL = "residential", _("residential")
        COMMERCIAL = "commercial", _("commercial")
        OFFICE = "office", _("office")
        PARKING = "parking", _("parking space")
        OTHER = "other", _("other")

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="flats")
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="flats")
    room = models.CharField(_("room"), max_length=50)
    area = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2)
    area_source = models.CharField(_("area source"), max_length=16, choices=AreaSource.choices)
    use = models.CharField(_("use"), max_length=16, choices=Use.choices, default=Use.RESIDENTIAL)
    removed_at = models.DateTimeField(null=True, blank=True)  # a flat leaves the roster, its history stays
    # Natural order of flats, building then room (core.sorting, issue 22 item 7): every list,
    # export and PDF of flats orders by it, so 101 < 102 < 1001 and "2栋" < "10栋".
    sort_key = models.CharField(max_length=FLAT_KEY_LENGTH, default="", db_default="", editable=False)

    objects = FlatQuerySet.as_manager()

    class Meta:
        verbose_name = _("flat")
        ordering = ["sort_key", "id"]
        indexes = [models.Index(fields=["estate", "sort_key"], name="flat_estate_sort_key")]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "room"], condition=Q(removed_at__isnull=True), name="flat_unique_room"
            ),
            models.CheckConstraint(condition=Q(area__gt=0), name="flat_area_positive"),
            models.CheckConstraint(
                condition=Q(area_source__in=["register", "survey", "contract"]), name="flat_area_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building.name}-{self.room}"

    def save(self, *args, **kwargs):
        self.sort_key = flat_key(self.building.name, self.room)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)


class Owner(models.Model):
    """An owner as the roster knows them, per estate: a person, an organisation (government or
    company, R-ORG-2) or the developer (whose unsold parts count as one owner, R-ROSTER-3)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        ORGANISATION = "organisation", pgettext_lazy("roster", "organisation")
        DEVELOPER = "developer", _("developer")

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="owners")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name_enc, name_masked, name_hash = pii_fields(_("name"))
    # Resident ID number for persons, unified social credit code for organisations.
    id_number_enc, id_number_masked, id_number_hash = pii_fields(pgettext_lazy("roster", "ID number"))
    mobile_enc, mobile_masked, mobile_hash = pii_fields(_("mobile"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("owner")
        constraints = [
            models.UniqueConstraint(fields=["estate", "id_number_hash"], name="owner_unique_id_in_estate"),
            models.CheckConstraint(
                condition=Q(kind__in=["person", "organisation", "developer"]), name="owner_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name_masked


class Ownership(models.Model):
    """An owner holds a flat from ``valid_from``; ``ended_at`` closes it, keeping history."""

    flat = models.ForeignKey(Flat, on_delete=models.CASCADE, related_name="ownerships")
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="ownerships")
    share = models.CharField(_("share"), max_length=20, blank=True)  # as registered: "1/2", "50%"
    valid_from = models.DateField(pgettext_lazy("roster", "valid from"))
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("ownership")
        constraints = [
            models.UniqueConstraint(
                fields=["flat", "owner"], condition=Q(ended_at__isnull=True), name="ownership_unique_current"
            )
        ]


class RosterChange(models.Model):
    """A change to the roster or its totals, under the submitter's real name, with its reason
    and supporting files (R-ROSTER-2, art. 7). Kept for good."""

    class Kind(models.TextChoices):
        IMPORT = "import", _("roster import")
        EDIT = "edit", _("roster edit")
        TOTALS = "totals", _("totals confirmed")
        SETTINGS = "settings", _("estate settings")

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.TextField(pgettext_lazy("roster", "reason"))
    summary = models.JSONField(_("summary"), default=dict)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitter_real_name = models.CharField(_("submitted by (real name)"), max_length=100)
    submitted_at = models.DateTimeField(auto_now_add=True)
    files = models.ManyToManyField("core.StoredFile", blank=True, related_name="+")

    class Meta:
        verbose_name = _("roster change")
        ordering = ["-submitted_at", "-id"]


class ImportBatch(models.Model):
    """An uploaded roster file between preview and apply. Applying is all-or-nothing."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        REFUSED = "refused", pgettext_lazy("roster import", "refused")
        APPLIED = "applied", _("applied")
        DISCARDED = "discarded", _("discarded")

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="imports")
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    row_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [{"row": 7, "column": "面积", "code": ..., "message": ...}]
    diff = models.JSONField(default=dict)  # counts and a sample of what applying would change
    roster_digest = models.CharField(max_length=64, blank=True)  # the roster the diff was computed against
    # The checked rows of a previewed file (compact JSON, zlib, sealed with the personal-data key):
    # apply writes them without reading the file again; emptied once the batch is applied or discarded.
    rows_sealed = models.BinaryField(default=b"", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    change = models.OneToOneField(
        RosterChange, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("roster import")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["previewed", "refused", "applied", "discarded"]),
                name="import_status_valid",
            )
        ]


class TotalsSnapshot(models.Model):
    """Totals confirmed by the convener on a date (R-ROSTER-1): what meetings refer to."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="snapshots")
    total_area = models.DecimalField(_("total voting rights (m²)"), max_digits=14, decimal_places=2)
    total_owners = models.PositiveIntegerField(_("total owners"))
    total_flats = models.PositiveIntegerField(_("exclusive parts"))
    parking_counts = models.BooleanField(_("parking spaces counted"))
    roster_digest = models.CharField(max_length=64)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)
    change = models.OneToOneField(RosterChange, on_delete=models.PROTECT, related_name="snapshot")

    class Meta:
        verbose_name = _("confirmed totals")
        ordering = ["-confirmed_at", "-id"]
        get_latest_by = "confirmed_at"


class SnapshotFlat(models.Model):
    """Each counted flat as it stood when the totals were confirmed; ``owner_group`` names the
    counted owner (R-ROSTER-3) it belongs to, so flats of one owner share it."""

    snapshot = models.ForeignKey(TotalsSnapshot, on_delete=models.CASCADE, related_name="flats")
    flat = models.ForeignKey(Flat, on_delete=models.PROTECT, related_name="+")
    area = models.DecimalField(max_digits=12, decimal_places=2)
    owner_group = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["snapshot", "flat"], name="snapshot_flat_unique")]
