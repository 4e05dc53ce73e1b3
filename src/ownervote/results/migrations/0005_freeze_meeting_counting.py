"""Freeze the counting settings of the meetings already publicised (issue 24 item 5, R-TALLY-7,
R-ROSTER-5). A meeting not yet publicised freezes them when it is. For one already publicised:
随多数 as its latest result was computed, where it has one; the parking setting its roll was frozen
with where that shows (a parking space on the roll, or the estate's parking spaces left off it),
else the one its latest result records; otherwise the estate's current settings."""

from django.db import migrations


def _parking_from_roll(meeting, Flat, RollFlat):
    on_roll = RollFlat.objects.filter(meeting=meeting)
    if not on_roll.exists():
        return None
    parking = Flat.objects.filter(estate_id=meeting.estate_id, use="parking", removed_at__isnull=True)
    if on_roll.filter(flat__use="parking").exists():
        return True
    if parking.exists():
        return False
    return None


def freeze(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Result = apps.get_model("results", "Result")
    RollFlat = apps.get_model("voting", "RollFlat")
    Flat = apps.get_model("roster", "Flat")
    meetings = Meeting.objects.filter(publicity_starts_on__isnull=False, follow_majority__isnull=True)
    for meeting in meetings.select_related("estate").iterator():
        result = Result.objects.filter(meeting=meeting).order_by("-number", "-id").first()
        follow = meeting.estate.follow_majority
        parking = _parking_from_roll(meeting, Flat, RollFlat)
        if result is not None:
            follow = result.follow_majority
            if parking is None:
                parking = (result.content or {}).get("parking_counts")
        if parking is None:
            parking = meeting.estate.parking_counts
        Meeting.objects.filter(pk=meeting.pk).update(follow_majority=follow, parking_counts=bool(parking))


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_meeting_counting_frozen"),
        ("results", "0004_result_corrections"),
        ("voting", "0008_progress_slots"),
        ("roster", "0004_natural_sort_key"),
    ]

    operations = [migrations.RunPython(freeze, migrations.RunPython.noop)]
