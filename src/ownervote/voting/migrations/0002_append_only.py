"""The database itself refuses UPDATE and DELETE on cast ballots, their choices and their
receipts (R-SEC-3). PostgreSQL: row triggers (the function ``ownervote_refuse_change`` comes from
``audit/0003``); TRUNCATE only where the test settings allow it. SQLite: the ORM guard
(``ownervote.core.appendonly``)."""

from django.db import migrations

TABLES = ("voting_submission", "voting_ballot", "voting_choice")

PG_UP = "".join(
    f"""
CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t}
  FOR EACH ROW EXECUTE FUNCTION ownervote_refuse_change();
CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t}
  FOR EACH STATEMENT EXECUTE FUNCTION ownervote_refuse_truncate();
"""
    for t in TABLES
)
PG_DOWN = "".join(
    f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};\nDROP TRIGGER IF EXISTS {t}_no_truncate ON {t};\n"
    for t in TABLES
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("voting", "0001_initial"), ("audit", "0003_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
