"""Deferred chaining (R-SEC-2): an event's place in its chain moves to its own append-only table.

``AuditLink`` (event, stream, seq, prev_hash, hash) is appended by the chainer a moment after the
event commits; ``AuditPending`` is the chainer's queue. The links of the events recorded so far are
copied from the events' own columns (the same values: every hash, anchor and archive stays valid);
0007 then drops those columns. On PostgreSQL the links get the events' triggers: no UPDATE, no
DELETE, no TRUNCATE but the owner's (``ownervote_refuse_change``, ``ownervote_refuse_truncate``).
"""

import django.db.models.deletion
from django.db import migrations, models

COPY = """
INSERT INTO audit_auditlink (event_id, stream, seq, prev_hash, hash)
SELECT id, stream, seq, prev_hash, hash FROM audit_auditevent
"""
PG_UP = """
CREATE TRIGGER audit_link_append_only BEFORE UPDATE OR DELETE ON audit_auditlink
  FOR EACH ROW EXECUTE FUNCTION ownervote_refuse_change();
CREATE TRIGGER audit_link_no_truncate BEFORE TRUNCATE ON audit_auditlink
  FOR EACH STATEMENT EXECUTE FUNCTION ownervote_refuse_truncate();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_link_append_only ON audit_auditlink;
DROP TRIGGER IF EXISTS audit_link_no_truncate ON audit_auditlink;
"""


def forwards(apps, schema_editor):
    schema_editor.execute(COPY, params=None)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_merge_anchors_and_roles")]

    operations = [
        migrations.CreateModel(
            name="AuditLink",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="link",
                        serialize=False,
                        to="audit.auditevent",
                    ),
                ),
                ("stream", models.CharField(max_length=64)),
                ("seq", models.BigIntegerField()),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "audit chain link", "ordering": ["stream", "seq"]},
        ),
        migrations.CreateModel(
            name="AuditPending",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="audit.auditevent",
                    ),
                ),
                ("stream", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "audit event to chain"},
        ),
        migrations.AddConstraint(
            model_name="auditlink",
            constraint=models.UniqueConstraint(fields=("stream", "seq"), name="audit_link_stream_seq_unique"),
        ),
        migrations.AddConstraint(
            model_name="auditlink",
            constraint=models.CheckConstraint(
                condition=models.Q(("seq__gte", 1)), name="audit_link_seq_positive"
            ),
        ),
        migrations.AddIndex(
            model_name="auditpending",
            index=models.Index(fields=["stream", "event"], name="audit_pending_stream_event"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
