"""Bootstrap the city operator (市住房和建设部门): the one account nobody can approve, because
it approves the district bureaus (art. 3, 4). Run once per installation, after load_shenzhen.

    python manage.py create_operator --username city --real-name 陈建国 --mobile 13800000000
    (the password is asked for unless --password is given)
"""

from __future__ import annotations

import getpass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ownervote.audit.services import record
from ownervote.core import pii, validators
from ownervote.orgs.models import Association, Division, Membership, Organisation, User
from ownervote.orgs.security import issue_enrolment_code_by_admin

DEFAULT_ORGANISATION = "深圳市住房和建设局"
CITY_CODE = "4403"


def _site_text(message: str) -> str:
    """``message`` translated into the site's language (settings.LANGUAGE_CODE), whatever the
    language of the shell that runs the command."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(message)


def bootstrap_operator(
    *,
    username: str,
    password: str,
    real_name: str,
    mobile: str,
    organisation_name: str = DEFAULT_ORGANISATION,
    actor: str = "manage.py create_operator",
) -> tuple[User, Association]:
    """Create the operator's account, organisation (kind city_operator), admin membership and an
    association with the city that is approved at once. Raises CommandError on bad input."""
    username = username.strip()
    if not username:
        raise CommandError("Give a username.")
    if User.objects.filter(username__iexact=username).exists():
        raise CommandError(f"The username {username!r} is already taken; nothing was changed.")
    if not real_name.strip():
        raise CommandError("Give the operator's real name (--real-name).")
    if not validators.is_valid_mobile(mobile):
        raise CommandError(f"{mobile!r} is not a valid mainland mobile number.")
    if not organisation_name.strip():
        raise CommandError("Give the organisation's name.")
    city = Division.objects.filter(kind=Division.Kind.CITY, code=CITY_CODE).first()
    if city is None:
        raise CommandError("The city (code 4403) is not loaded: run `python manage.py load_shenzhen` first.")
    user = User(username=username, real_name=real_name.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise CommandError("Password refused: " + " ".join(exc.messages)) from exc

    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"The username {username!r} is already taken; nothing was changed.")
        user.set_password(password)
        pii.seal(user, "mobile", mobile)
        user.save()
        org = Organisation.objects.create(
            kind=Organisation.Kind.CITY_OPERATOR, name=organisation_name.strip()
        )
        Membership.objects.create(user=user, organisation=org, role=Membership.Role.ADMIN)
        now = timezone.now()
        assoc = Association.objects.create(
            organisation=org,
            division=city,
            status=Association.Status.APPROVED,
            # Stored text is read on the console pages: in the site's language (issue 22 item 10).
            note=_site_text("Created by the platform's administrator"),
            reason=_site_text("The city operator is created by the platform's administrator (art. 3)."),
            applied_by=user,
            decided_by=user,
            decided_at=now,
        )
        record(
            actor=actor,
            action="account.registered",
            obj=user,
            summary={"organisation": org.name, "kind": org.kind, "username": user.username},
        )
        record(
            actor=actor,
            action="association.approved",
            obj=assoc,
            summary={
                "organisation": org.name,
                "kind": org.kind,
                "target": city.name,
                "status": assoc.status,
                "before": "",
                "reason": assoc.reason,
            },
        )
    return user, assoc


class Command(BaseCommand):
    help = "Create the city operator's account, organisation and approved association with the city."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", help="asked for interactively when omitted")
        parser.add_argument("--real-name", required=True, dest="real_name")
        parser.add_argument("--mobile", required=True)
        parser.add_argument(
            "--organisation", default=DEFAULT_ORGANISATION, help=f"default: {DEFAULT_ORGANISATION}"
        )

    def handle(self, *args, **options):
        password = options["password"]
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        user, assoc = bootstrap_operator(
            username=options["username"],
            password=password,
            real_name=options["real_name"],
            mobile=options["mobile"],
            organisation_name=options["organisation"],
        )
        self.stdout.write(
            f"City operator {user.username} ({user.real_name}) created for {assoc.organisation.name}, "
            f"associated with {assoc.division.name}."
        )
        code = issue_enrolment_code_by_admin(admin="manage.py create_operator", username=user.username)
        self.stdout.write(
            f"Enrolment code for the second factor (shown only now; once, within "
            f"{settings.OWNERVOTE_ENROLMENT_CODE_TTL_HOURS} h): {code}"
        )
