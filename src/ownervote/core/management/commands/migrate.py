"""``manage.py migrate`` as Django's, but connected as the owner role when
``OWNERVOTE_MIGRATE_DATABASE_URL`` is set (R-SEC-5): the application's own role (``DATABASE_URL``)
owns nothing and could not create or alter a table. After the migrations, the application role's
privileges are granted again (``ownervote.core.apps``), so a table a migration added gets them."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from ...dbroles import as_owner


class Command(DjangoMigrate):
    help = (
        DjangoMigrate.help + " Connects as the owner role of OWNERVOTE_MIGRATE_DATABASE_URL when it is set."
    )

    def handle(self, *args, **options):
        with as_owner(options["database"]):
            return super().handle(*args, **options)
