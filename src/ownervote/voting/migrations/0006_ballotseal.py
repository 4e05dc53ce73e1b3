"""R-SEC-6: the seal on a meeting's counted ballots once its result is publicised (``BallotSeal``),
and underneath it triggers that refuse, while a meeting's seal holds, a new ballot, a new count
session and any change to a paper entry: on PostgreSQL one trigger function, on SQLite one trigger
per table and operation. Who may lift a seal (only while a correction is open) is checked by the
results app's migration that adds corrections."""

import django.db.models.deletion
from django.db import migrations, models

MESSAGE = "R-SEC-6: the result of this meeting is publicised: its counted ballots are sealed"

PG_UP = """
CREATE OR REPLACE FUNCTION ownervote_refuse_sealed_ballots() RETURNS trigger AS $$
DECLARE
  the_meeting bigint;
BEGIN
  IF TG_TABLE_NAME = 'voting_paperentry' THEN
    IF TG_OP = 'DELETE' THEN
      SELECT meeting_id INTO the_meeting FROM voting_countsession WHERE id = OLD.session_id;
    ELSE
      SELECT meeting_id INTO the_meeting FROM voting_countsession WHERE id = NEW.session_id;
    END IF;
  ELSE
    the_meeting := NEW.meeting_id;
  END IF;
  IF EXISTS (SELECT 1 FROM voting_ballotseal WHERE meeting_id = the_meeting AND sealed) THEN
    RAISE EXCEPTION '{MESSAGE} (meeting %)', the_meeting USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER voting_ballot_sealed BEFORE INSERT ON voting_ballot
  FOR EACH ROW EXECUTE FUNCTION ownervote_refuse_sealed_ballots();
CREATE TRIGGER voting_countsession_sealed BEFORE INSERT ON voting_countsession
  FOR EACH ROW EXECUTE FUNCTION ownervote_refuse_sealed_ballots();
CREATE TRIGGER voting_paperentry_sealed BEFORE INSERT OR UPDATE OR DELETE ON voting_paperentry
  FOR EACH ROW EXECUTE FUNCTION ownervote_refuse_sealed_ballots();
""".replace("{MESSAGE}", MESSAGE)
PG_DOWN = """
DROP TRIGGER IF EXISTS voting_ballot_sealed ON voting_ballot;
DROP TRIGGER IF EXISTS voting_countsession_sealed ON voting_countsession;
DROP TRIGGER IF EXISTS voting_paperentry_sealed ON voting_paperentry;
DROP FUNCTION IF EXISTS ownervote_refuse_sealed_ballots();
"""

# SQLite: no DELETE trigger on paper entries (Django's flush of a test database deletes table by
# table, in no fixed order); the service refuses the delete, and PostgreSQL refuses it underneath.
_SEALED = "EXISTS (SELECT 1 FROM voting_ballotseal WHERE meeting_id = {meeting} AND sealed)"
_SESSION = "(SELECT meeting_id FROM voting_countsession WHERE id = {row}.session_id)"
SQLITE_TRIGGERS = {
    "voting_ballot_sealed": ("INSERT", "voting_ballot", _SEALED.format(meeting="NEW.meeting_id")),
    "voting_countsession_sealed": ("INSERT", "voting_countsession", _SEALED.format(meeting="NEW.meeting_id")),
    "voting_paperentry_sealed_insert": (
        "INSERT",
        "voting_paperentry",
        _SEALED.format(meeting=_SESSION.format(row="NEW")),
    ),
    "voting_paperentry_sealed_update": (
        "UPDATE",
        "voting_paperentry",
        _SEALED.format(meeting=_SESSION.format(row="NEW")),
    ),
}


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)
    elif vendor == "sqlite":
        for name, (op, table, when) in SQLITE_TRIGGERS.items():
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {op} ON {table} WHEN {when} "
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
        ("voting", "0005_merge_proxies_and_paper_receipts"),
    ]

    operations = [
        migrations.CreateModel(
            name="BallotSeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sealed", models.BooleanField(default=True)),
                ("version", models.PositiveIntegerField()),
                ("changed_at", models.DateTimeField()),
                (
                    "meeting",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ballot_seal",
                        to="meetings.meeting",
                    ),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
