"""Where the demo's pages are, found by what they are rather than by id (the ids depend on the
order things were created, and on what a user has added since): the meeting publicised and not
yet voting, the meeting voting now, the meeting whose result is publicised. ``/demo/`` lists them
and ``/demo/<key>/`` redirects to each, so that the README's links keep working."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ownervote.meetings.models import Meeting
from ownervote.results.models import ResultPublicity
from ownervote.roster import demo

from .seed import demo_estate


@dataclass(frozen=True)
class Link:
    key: str
    label: str
    who: str  # the demo account that opens it ("" for anybody)
    url: str | None  # None when the demo holds no such page (any more)


def demo_meetings() -> dict[str, Meeting | None]:
    """The demo estate's meeting in each state the demo shows: ``upcoming`` (publicised, voting not
    open yet), ``voting`` (open now) and ``result`` (its result publicised most recently)."""
    estate = demo_estate()
    if estate is None:
        return {"upcoming": None, "voting": None, "result": None}
    mine = Meeting.objects.filter(estate=estate)
    publicity = (
        ResultPublicity.objects.filter(meeting__estate=estate, result__superseded_at__isnull=True)
        .select_related("meeting")
        .order_by("-starts_on", "-pk")
        .first()
    )
    return {
        "upcoming": mine.filter(status=Meeting.Status.PUBLISHED).order_by("starts_at", "pk").first(),
        "voting": mine.filter(status=Meeting.Status.VOTING).order_by("voting_closes_at", "pk").first(),
        "result": publicity.meeting if publicity else None,
    }


# key, label, who opens it, which meeting, URL name
_LINKS = (
    ("notice", _("Public notice of the publicised meeting"), "", "upcoming", "meetings:notice"),
    (
        "meeting",
        _("The publicised meeting in the console"),
        "convener, shatou",
        "upcoming",
        "meetings:detail",
    ),
    ("vote", _("Vote in the meeting open for voting"), "{owner}", "voting", "voting:vote"),
    ("progress", _("Voting progress"), "convener", "voting", "voting:progress"),
    ("result", _("Public result of the closed meeting"), "", "result", "results:public"),
    (
        "result-console",
        _("The closed meeting's result in the console"),
        "convener",
        "result",
        "results:console",
    ),
    ("count", _("The closed meeting's paper count sessions"), "convener", "result", "voting:count"),
)

_PLAIN = (
    ("console", _("Staff console"), "city, futian, shatou, community, convener", "console:home"),
    ("owner", _("Owner pages (phone)"), "{owner}", "portal:home"),
    ("calendar", _("Holiday calendar"), "city", "meetings:calendar"),
)


def demo_links() -> list[Link]:
    found = demo_meetings()
    owner = demo.demo_owners()[0].person.mobile  # the sign-in owner: two flats, has not voted yet
    links = [
        Link(key, str(label), who.format(owner=owner), reverse(name)) for key, label, who, name in _PLAIN
    ]
    for key, label, who, which, name in _LINKS:
        meeting = found[which]
        url = reverse(name, args=[meeting.pk]) if meeting else None
        links.append(Link(key, str(label), who.format(owner=owner), url))
    links.append(Link("api", str(_("API documentation")), "", "/api/docs"))
    return links


def link(key: str) -> Link | None:
    return next((x for x in demo_links() if x.key == key), None)
