"""R-SEC-5: the application's role cannot switch the append-only guard off, and chain heads only
move forward (R-SEC-2).

Until now ``ownervote_refuse_truncate`` let any session through that set
``ownervote.allow_truncate = on``, a setting every role may set. Now TRUNCATE passes only when
the current role is a member of the table's owner role (the migration role, or a superuser) AND
the session asked for it with that setting: the application's role (``manage.py setup_db_roles``)
is neither, and has no TRUNCATE privilege anyway. The owner keeps the explicit switch so that a
cascading ``TRUNCATE ... CASCADE`` from another table never empties the audit log by accident; the
test settings set it to empty their throwaway database, connected as its owner.

Chain heads (``audit_audithead``) must be updated by the application (they move with each event),
so they are guarded by triggers instead of privileges alone:

- a head row cannot be deleted or truncated (as the events);
- its ``seq`` never goes backwards and its ``stream`` never changes;
- at commit (deferred constraint trigger) the head names an existing event of its chain, with that
  event's hash: a head can only point at what the append-only log holds.

Both functions pin their ``search_path`` (``pg_catalog`` first, then the schema of the tables), so
that no object another role creates can stand in for the functions and operators they use.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION ownervote_refuse_truncate() RETURNS trigger AS $$
BEGIN
  IF pg_catalog.pg_has_role(current_user, (SELECT relowner FROM pg_catalog.pg_class WHERE oid = TG_RELID), 'MEMBER')
     AND coalesce(current_setting('ownervote.allow_truncate', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'append-only table %: TRUNCATE refused', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION ownervote_head_forward() RETURNS trigger AS $$
BEGIN
  IF NEW.stream <> OLD.stream OR NEW.seq < OLD.seq THEN
    RAISE EXCEPTION 'audit chain head %: moving it from seq % to seq % refused (a head only moves forward)',
      OLD.stream, OLD.seq, NEW.seq USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

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
    SELECT 1 FROM audit_auditevent WHERE stream = NEW.stream AND seq = head_seq AND hash = head_hash
  ) THEN
    RAISE EXCEPTION 'audit chain head %: seq % with hash % is no event of its chain', NEW.stream, head_seq, head_hash
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION ownervote_refuse_truncate() SET search_path = pg_catalog, %I', current_schema());
  EXECUTE format('ALTER FUNCTION ownervote_head_forward() SET search_path = pg_catalog, %I', current_schema());
  EXECUTE format('ALTER FUNCTION ownervote_head_matches_chain() SET search_path = pg_catalog, %I', current_schema());
END;
$$;

CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_audithead
  FOR EACH ROW EXECUTE FUNCTION ownervote_refuse_change();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_audithead
  FOR EACH STATEMENT EXECUTE FUNCTION ownervote_refuse_truncate();
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_audithead
  FOR EACH ROW EXECUTE FUNCTION ownervote_head_forward();
CREATE CONSTRAINT TRIGGER audit_head_matches_chain AFTER INSERT OR UPDATE ON audit_audithead
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ownervote_head_matches_chain();
"""

PG_DOWN = """
DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_audithead;
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_audithead;
DROP TRIGGER IF EXISTS audit_head_forward ON audit_audithead;
DROP TRIGGER IF EXISTS audit_head_matches_chain ON audit_audithead;
DROP FUNCTION IF EXISTS ownervote_head_forward();
DROP FUNCTION IF EXISTS ownervote_head_matches_chain();
CREATE OR REPLACE FUNCTION ownervote_refuse_truncate() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('ownervote.allow_truncate', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'append-only table %: TRUNCATE refused', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
ALTER FUNCTION ownervote_refuse_truncate() RESET search_path;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
