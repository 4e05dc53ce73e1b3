"""The part of the estate a voting item concerns (R-MTG-9): the whole estate, one or more of its
buildings, or a list of flats that share a cost (e.g. the flats paying into one building's
maintenance-fund account).

- As people and the API give it: ``{"kind": "estate"}``, ``{"kind": "buildings", "buildings":
  ["3栋", "5栋"]}`` or ``{"kind": "flats", "flats": ["3栋-101", ...], "name": "3栋电梯维修资金"}``:
  buildings by name, flats as ``building-room`` (as the roster prints them). ``clean_scope`` checks
  one against the estate and refuses unknown buildings and flats by name; ``parse_flat_list`` reads a
  pasted list or CSV of flats.
- Stored on the item: ``Item.scope`` and its buildings or flats (``write_scope``); a version and the
  archive freeze ``scope_content``.
- ``load`` gives loaded items the ids of their buildings and flats, ``covers`` says whether a flat
  may vote on the item, ``label`` names the scope in Chinese on the notice, the ballot and the
  result.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ownervote.core.sorting import flat_key, natural_key
from ownervote.roster.models import Building, Flat

from .models import Item

S = Item.Scope
MAX_SCOPE_FLATS = 20000
NAME_MAX = 100
SHOWN_UNKNOWN = 20  # unknown names listed in the message; the rest are counted


def _names(value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    out: list[str] = []
    for v in value:
        text = str(v or "").strip()
        if text and text not in out:
            out.append(text)
    return out


SEPARATORS = re.compile(r"[\s,，、;；]+")


def parse_flat_list(text: str) -> list[str]:
    """The flats of a pasted list or CSV: one per line or separated by commas, 、 or semicolons; a
    CSV's cells are read one by one (a header cell such as "房号" is left for ``clean_scope`` to
    report). Duplicates once, in the order given."""
    out: list[str] = []
    for row in csv.reader(io.StringIO(str(text or ""))):
        for cell in row:
            for part in SEPARATORS.split(cell.strip()):
                if part and part not in out:
                    out.append(part)
    return out


def _unknown_message(kind: str, unknown: list[str]) -> str:
    shown = "、".join(unknown[:SHOWN_UNKNOWN])
    more = len(unknown) - SHOWN_UNKNOWN
    if kind == S.BUILDINGS:
        text = _g("These buildings are not in the estate's roster: %(names)s.") % {"names": shown}
    else:
        text = _g("These flats are not in the estate's roster: %(names)s.") % {"names": shown}
    if more > 0:
        text += " " + _g("And %(n)d more.") % {"n": more}
    return text


def clean_scope(raw, at: str, errors: dict, estate=None) -> dict | None:
    """The item's scope, cleaned: None for the whole estate, else ``{"kind", "buildings" | "flats",
    "name"}`` with names as the roster spells them. With ``estate`` every building and flat must be
    in its roster (the unknown ones are named in the error under ``<at>.scope``)."""
    if raw is None or raw == "":
        return None
    if hasattr(raw, "model_dump"):
        raw = raw.model_dump()
    if not isinstance(raw, Mapping):
        errors[f"{at}.scope"] = _("Choose the whole estate, buildings or a list of flats.")
        return None
    kind = raw.get("kind") or S.ESTATE
    if kind == S.ESTATE:
        return None
    if kind not in S.values:
        errors[f"{at}.scope"] = _("Choose the whole estate, buildings or a list of flats.")
        return None
    key = "buildings" if kind == S.BUILDINGS else "flats"
    names = _names(raw.get(key))
    name = str(raw.get("name") or "").strip()
    if len(name) > NAME_MAX:
        errors[f"{at}.scope"] = _("At most %(n)d characters.") % {"n": NAME_MAX}
    if not names:
        errors[f"{at}.scope"] = (
            _("Choose at least one building.") if kind == S.BUILDINGS else _("List at least one flat.")
        )
        return None
    if len(names) > MAX_SCOPE_FLATS:
        errors[f"{at}.scope"] = _("At most %(n)d flats.") % {"n": MAX_SCOPE_FLATS}
        return None
    if estate is not None:
        known = set(_known(estate, kind, names))
        unknown = [n for n in names if n not in known]
        if unknown:
            errors[f"{at}.scope"] = _unknown_message(kind, unknown)
            return None
    if kind == S.BUILDINGS:
        names.sort(key=natural_key)
        return {"kind": kind, "buildings": names, "name": name}
    names.sort(key=lambda label: flat_key(*label.split("-", 1)) if "-" in label else natural_key(label))
    return {"kind": kind, "flats": names, "name": name}


def _flat_labels(estate) -> dict[str, int]:
    rows = Flat.objects.filter(estate=estate, removed_at__isnull=True).values_list(
        "pk", "building__name", "room"
    )
    return {f"{b}-{r}": pk for pk, b, r in rows}


def _known(estate, kind: str, names: Sequence[str]) -> dict[str, int]:
    """name -> id of the estate's buildings or (current) flats among ``names``."""
    if kind == S.BUILDINGS:
        return dict(Building.objects.filter(estate=estate, name__in=list(names)).values_list("name", "pk"))
    labels = _flat_labels(estate)
    return {n: labels[n] for n in names if n in labels}


def write_scope(item: Item, scope: dict | None, estate) -> None:
    """Store a cleaned scope on a saved item (the names were checked against ``estate``)."""
    if not scope:
        return
    item.scope = scope["kind"]
    item.scope_name = scope.get("name", "")
    item.save(update_fields=["scope", "scope_name"])
    if scope["kind"] == S.BUILDINGS:
        item.scope_buildings.set(_known(estate, S.BUILDINGS, scope["buildings"]).values())
    else:
        item.scope_flats.set(_known(estate, S.FLATS, scope["flats"]).values())


def scope_content(item: Item) -> dict | None:
    """What a version freezes of the item's scope (None for the whole estate)."""
    if item.scope == S.BUILDINGS:
        names = sorted((b.name for b in item.scope_buildings.all()), key=natural_key)
        return {"kind": S.BUILDINGS.value, "buildings": names, "name": item.scope_name}
    if item.scope == S.FLATS:
        flats = sorted(item.scope_flats.all().select_related("building"), key=lambda f: (f.sort_key, f.pk))
        return {
            "kind": S.FLATS.value,
            "flats": [f"{f.building.name}-{f.room}" for f in flats],
            "name": item.scope_name,
        }
    return None


def load(items: Iterable[Item]) -> None:
    """Give each item ``scope_ids``: None for the whole estate, else the frozenset of its building ids
    (kind buildings) or flat ids (kind flats). Two queries at most, whatever the number of items."""
    items = list(items)
    for item in items:
        item.scope_ids = None
    by_kind = {
        S.BUILDINGS: [i for i in items if i.scope == S.BUILDINGS],
        S.FLATS: [i for i in items if i.scope == S.FLATS],
    }
    for kind, scoped in by_kind.items():
        if not scoped:
            continue
        through = (Item.scope_buildings if kind == S.BUILDINGS else Item.scope_flats).through
        column = "building_id" if kind == S.BUILDINGS else "flat_id"
        ids: dict[int, set[int]] = {i.pk: set() for i in scoped}
        for item_id, target in through.objects.filter(item_id__in=list(ids)).values_list("item_id", column):
            ids[item_id].add(target)
        for item in scoped:
            item.scope_ids = frozenset(ids[item.pk])


def covers(item: Item, flat_id: int, building_id: int) -> bool:
    """Whether the flat votes on the item (R-MTG-9); ``load`` first."""
    ids = getattr(item, "scope_ids", None)
    if item.scope == S.ESTATE or ids is None:
        return True
    return (building_id if item.scope == S.BUILDINGS else flat_id) in ids


def label_of(content: Mapping | None) -> str:
    """The scope in Chinese for notices, ballots and results, from ``scope_content`` (or the
    archive's item scope): "表决范围：全体业主", "表决范围：3栋、5栋业主",
    "表决范围：3栋电梯维修资金分摊业主（32户）"."""
    if not content or content.get("kind", S.ESTATE) == S.ESTATE:
        return _g("Voting scope: all owners of the estate")
    if content["kind"] == S.BUILDINGS:
        return _g("Voting scope: owners of %(buildings)s") % {"buildings": "、".join(content["buildings"])}
    name = content.get("name") or _g("the owners sharing the cost")
    return _g("Voting scope: %(name)s (%(n)d flats)") % {"name": name, "n": len(content["flats"])}


def label(item: Item) -> str:
    return label_of(scope_content(item))
