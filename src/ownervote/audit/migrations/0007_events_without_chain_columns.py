"""The events lose their chain columns (now in ``AuditLink``, 0006), and the head's check at commit
(``ownervote_head_matches_chain``, 0004) looks for the head's seq and hash among the links: a head
can still only point at what the append-only chain holds."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION ownervote_head_matches_chain() RETURNS trigger AS $$
DECLARE
  head_seq bigint;
  head_hash text;
BEGIN
  SELECT seq, hash INTO head_seq, head_hash FROM audit_audithead WHERE stream = NEW.stream;
  IF NOT FOUND OR (head_seq = 0 AND head_hash = '') THEN
    RETURN NULL;
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM audit_auditlink WHERE stream = NEW.stream AND seq = head_seq AND hash = head_hash
  ) THEN
    RAISE EXCEPTION 'audit chain head %: seq % with hash % is no event of its chain', NEW.stream, head_seq, head_hash
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
PG_DOWN = PG_UP.replace("audit_auditlink", "audit_auditevent")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_chain_links")]

    operations = [
        migrations.AlterModelOptions(
            name="auditevent", options={"ordering": ["id"], "verbose_name": "audit event"}
        ),
        migrations.RemoveConstraint(model_name="auditevent", name="audit_stream_seq_unique"),
        migrations.RemoveField(model_name="auditevent", name="hash"),
        migrations.RemoveField(model_name="auditevent", name="prev_hash"),
        migrations.RemoveField(model_name="auditevent", name="seq"),
        migrations.RunPython(forwards, backwards),
    ]
