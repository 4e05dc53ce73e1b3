"""The progress counters split into slots (issue 21): ``ProgressSlot``, and the slot rows of
every existing counter row. The figures already counted stay on their ``Progress`` row, which
the reads add to the slots' sums (``services.progress``): nothing is moved, nothing is lost."""

import django.db.models.deletion
from django.db import migrations, models

SLOTS = 8  # ProgressSlot.SLOTS when this migration was written


def create_slots(apps, schema_editor):
    Progress = apps.get_model("voting", "Progress")
    ProgressSlot = apps.get_model("voting", "ProgressSlot")
    rows = Progress.objects.values_list("meeting_id", "building_id").order_by("pk").iterator(chunk_size=2000)
    batch = []
    for meeting_id, building_id in rows:
        batch.extend(
            ProgressSlot(meeting_id=meeting_id, building_id=building_id, slot=slot) for slot in range(SLOTS)
        )
        if len(batch) >= 2000:
            ProgressSlot.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    ProgressSlot.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("roster", "0001_initial"),
        ("voting", "0007_proxy_client_ip_proxy_device_hash_and_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProgressSlot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slot", models.PositiveSmallIntegerField()),
                ("flats_voted", models.PositiveIntegerField(default=0)),
                ("area_voted", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                ("owners_voted", models.PositiveIntegerField(default=0)),
                ("electronic", models.PositiveIntegerField(default=0)),
                ("paper", models.PositiveIntegerField(default=0)),
                ("updated_at", models.DateTimeField(blank=True, null=True)),
                (
                    "building",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="roster.building",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="meetings.meeting"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("building__isnull", False)),
                        fields=("meeting", "building", "slot"),
                        name="progress_slot_per_building",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("building__isnull", True)),
                        fields=("meeting", "slot"),
                        name="progress_slot_per_meeting",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_slots, migrations.RunPython.noop),
    ]
