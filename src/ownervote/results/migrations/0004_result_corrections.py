"""R-SEC-6: corrections of a publicised result (``ResultCorrection``). The meetings whose result is
already publicised get their ballots sealed (``voting.BallotSeal``), and the database lets a seal
be lifted only while a correction of that meeting is open (SQLite and PostgreSQL triggers; on
PostgreSQL a seal is never deleted either)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MESSAGE = "R-SEC-6: the ballots of a publicised result are unsealed only by an open correction"
OPEN_CORRECTION = (
    "EXISTS (SELECT 1 FROM results_resultcorrection WHERE meeting_id = NEW.meeting_id AND result_id IS NULL)"
)

PG_UP = f"""
CREATE OR REPLACE FUNCTION ownervote_guard_ballot_seal() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
  END IF;
  IF NOT NEW.sealed AND NOT {OPEN_CORRECTION} THEN
    RAISE EXCEPTION '{MESSAGE} (meeting %)', NEW.meeting_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER voting_ballotseal_guard BEFORE INSERT OR UPDATE OR DELETE ON voting_ballotseal
  FOR EACH ROW EXECUTE FUNCTION ownervote_guard_ballot_seal();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS voting_ballotseal_guard ON voting_ballotseal;
DROP FUNCTION IF EXISTS ownervote_guard_ballot_seal();
"""
SQLITE_TRIGGERS = ("voting_ballotseal_guard_insert", "voting_ballotseal_guard_update")


def seal_publicised(apps, schema_editor):
    """The meetings publicised before seals existed: their ballots are sealed as of their last
    publicised version."""
    BallotSeal = apps.get_model("voting", "BallotSeal")
    ResultPublicity = apps.get_model("results", "ResultPublicity")
    latest: dict = {}
    for p in ResultPublicity.objects.select_related("result").order_by("published_at", "id"):
        latest[p.meeting_id] = (p.result.number, p.published_at)
    for meeting_id, (number, at) in latest.items():
        BallotSeal.objects.update_or_create(
            meeting_id=meeting_id, defaults={"sealed": True, "version": number, "changed_at": at}
        )


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)
    elif vendor == "sqlite":
        for name, op in zip(SQLITE_TRIGGERS, ("INSERT", "UPDATE"), strict=True):
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {op} ON voting_ballotseal "
                f"WHEN NOT NEW.sealed AND NOT {OPEN_CORRECTION} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
                params=None,
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_meeting_invitation_recipients_opening_refusal"),
        ("results", "0003_result_signed_scans"),
        ("voting", "0006_ballotseal"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ResultCorrection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField(verbose_name="reason for the correction")),
                ("opened_at", models.DateTimeField()),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "corrects",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="corrections",
                        to="results.result",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="result_corrections",
                        to="meetings.meeting",
                    ),
                ),
                (
                    "opened_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "result",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="correction",
                        to="results.result",
                    ),
                ),
            ],
            options={
                "ordering": ["meeting", "opened_at", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("result__isnull", True)),
                        fields=("meeting",),
                        name="result_one_open_correction",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("reason", ""), _negated=True), name="result_correction_reason"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("completed_at__isnull", True), ("result__isnull", True)),
                            models.Q(("completed_at__isnull", False), ("result__isnull", False)),
                            _connector="OR",
                        ),
                        name="result_correction_completed_with_version",
                    ),
                ],
            },
        ),
        migrations.RunPython(seal_publicised, migrations.RunPython.noop),
        migrations.RunPython(forwards, backwards),
    ]
