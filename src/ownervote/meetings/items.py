"""One definition of a meeting's content: its topics, their voting items and an election's
candidates (R-MTG-1, R-MTG-7, Civil Code art. 278).

- The shape: ``TopicIn``, ``ItemIn``, ``CandidateIn`` (pydantic, through ninja's ``Schema``): the
  body of ``POST /api/meetings`` and ``PATCH /api/meetings/{id}`` and their OpenAPI.
- The rules: ``clean_topics`` checks whatever it is given (the API's models, the console form's
  rows, plain dicts from Python), reports *every* problem at once under its path
  (``topics.1.items.0.max_choices``: the API's ``details.fields``, and where the form puts the
  message), and returns the content as the services store it.

The services validate with ``clean_topics`` (``services.validation``); the console's
``forms.TopicsEditor`` only parses its rows and asks ``clean_topics`` too; nothing else decides what
a valid item is.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from . import scopes
from .models import Item

MAX_TOPICS = 50
MAX_ITEMS = 200
MAX_CANDIDATES = 200
MAX_TEXT = 4000  # a description or a profile
TOPIC_TITLE_MAX = 200
ITEM_TITLE_MAX = 300
CANDIDATE_NAME_MAX = 100
INPUT_MAX = 1000  # what the API accepts in a title or name at all (the rules then say how long)


# --- the shape --------------------------------------------------------------------------------


class CandidateIn(Schema):
    name: str = Field(max_length=INPUT_MAX)
    profile: str = Field("", max_length=MAX_TEXT)


class ItemScopeIn(Schema):
    kind: str = Field(
        "estate",
        description="`estate` (every owner), `buildings` (the owners of the listed buildings) or "
        "`flats` (the listed flats, e.g. those sharing one building's maintenance fund): R-MTG-9.",
    )
    buildings: list[str] = Field(default_factory=list, description="`buildings`: building names, e.g. `3栋`.")
    flats: list[str] = Field(
        default_factory=list, description="`flats`: flats as `building-room`, e.g. `3栋-101`."
    )
    name: str = Field(
        "", max_length=INPUT_MAX, description="`flats`: what the flats share, e.g. `3栋电梯维修资金`."
    )


class ItemIn(Schema):
    title: str = Field(max_length=INPUT_MAX)
    description: str = Field("", max_length=MAX_TEXT)
    kind: str = Field(description="`question` (yes / no / abstain) or `election`.")
    category: int = Field(description="Civil Code art. 278 para. 1, item 1 to 9: decides the threshold.")
    seats: int | None = Field(None, description="Elections: seats to fill (at least 1).")
    max_choices: int | None = Field(None, description="Elections: candidates a ballot may mark, 1 to seats.")
    candidates: list[CandidateIn] = Field(default_factory=list, description="Elections: at least `seats`.")
    scope: ItemScopeIn | None = Field(
        None, description="The part of the estate that votes on the item; absent: the whole estate."
    )


class TopicIn(Schema):
    title: str = Field(max_length=INPUT_MAX)
    description: str = Field("", max_length=MAX_TEXT)
    items: list[ItemIn] = Field(description="At least one voting item.")


# --- the rules --------------------------------------------------------------------------------


def _text(value) -> str:
    return str(value or "").strip()


def _number(value) -> int | None:
    """An int from the input, None when absent ("" / None); raises ValueError when not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float) and not value.is_integer():
        raise ValueError
    return int(value)


def _safe_number(value) -> tuple[int | None, bool]:
    """(the number or None, whether a value was given at all)."""
    try:
        return _number(value), value not in (None, "")
    except (TypeError, ValueError):
        return None, True


def _as_dict(value):
    if isinstance(value, Schema):
        return value.model_dump()
    return value if isinstance(value, Mapping) else None


def _length(errors: dict, at: str, text: str, limit: int) -> None:
    if len(text) > limit:
        errors[at] = _("At most %(n)d characters.") % {"n": limit}


def clean_topics(topics, errors: dict, estate=None) -> list[dict]:
    """The topics, cleaned: at least one topic, each with at least one item; an election has
    seats, 1 <= choices per ballot <= seats, and at least as many candidates as seats, each named
    once; an item for part of the estate names buildings or flats of ``estate``'s roster (R-MTG-9,
    checked when ``estate`` is given). Problems go into ``errors`` by path; what comes back is what
    a version freezes."""
    topics = list(topics) if isinstance(topics, list | tuple) else None
    if not topics:
        errors["topics"] = _("Add at least one topic.")
        return []
    if len(topics) > MAX_TOPICS:
        errors["topics"] = _("At most %(n)d topics.") % {"n": MAX_TOPICS}
        return []
    cleaned, item_count = [], 0
    for t, raw in enumerate(topics):
        at = f"topics.{t}"
        topic = _as_dict(raw)
        if topic is None:
            errors[at] = _("A topic needs a title and its voting items.")
            continue
        title = _text(topic.get("title"))
        if not title:
            errors[f"{at}.title"] = _("Give the topic a title.")
        else:
            _length(errors, f"{at}.title", title, TOPIC_TITLE_MAX)
        description = _text(topic.get("description"))
        _length(errors, f"{at}.description", description, MAX_TEXT)
        items = topic.get("items") or []
        if not isinstance(items, list | tuple) or not items:
            errors[f"{at}.items"] = _("Add at least one voting item to this topic.")
            items = []
        item_count += len(items)
        out_items = [_clean_item(item, f"{at}.items.{i}", errors, estate) for i, item in enumerate(items)]
        cleaned.append({"title": title, "description": description, "items": out_items})
    if item_count > MAX_ITEMS:
        errors["topics"] = _("At most %(n)d voting items.") % {"n": MAX_ITEMS}
    return cleaned


def _clean_item(raw, at: str, errors: dict, estate=None) -> dict:
    item = _as_dict(raw)
    if item is None:
        errors[at] = _("A voting item needs a title, a kind and a decision category.")
        return {}
    title = _text(item.get("title"))
    if not title:
        errors[f"{at}.title"] = _("Give the voting item a title.")
    else:
        _length(errors, f"{at}.title", title, ITEM_TITLE_MAX)
    description = _text(item.get("description"))
    _length(errors, f"{at}.description", description, MAX_TEXT)
    kind = item.get("kind")
    if kind not in Item.Kind.values:
        errors[f"{at}.kind"] = _("Choose a yes / no / abstain question or an election.")
    category, given = _safe_number(item.get("category"))
    if not given:
        errors[f"{at}.category"] = _("Choose the decision category.")
    elif category not in Item.Category.values:
        errors[f"{at}.category"] = _("Choose one of the nine decision categories of Civil Code art. 278.")
    out = {
        "title": title,
        "description": description,
        "kind": kind,
        "category": category,
        "seats": None,
        "max_choices": None,
        "candidates": [],
    }
    scope = scopes.clean_scope(item.get("scope"), at, errors, estate)
    if scope is not None:
        out["scope"] = scope
    candidates = item.get("candidates") or []
    if kind == Item.Kind.QUESTION:
        if candidates:
            errors[f"{at}.candidates"] = _("Only an election has candidates.")
        for field in ("seats", "max_choices"):
            if item.get(field) not in (None, "", 0):
                errors[f"{at}.{field}"] = _("Only an election has seats and choices per ballot.")
        return out
    if kind != Item.Kind.ELECTION:
        return out
    seats, seats_given = _safe_number(item.get("seats"))
    max_choices = _safe_number(item.get("max_choices"))[0]
    if not seats_given:
        errors[f"{at}.seats"] = _("Enter how many seats the election fills.")
    elif seats is None or seats < 1:
        errors[f"{at}.seats"] = _("An election fills at least one seat.")
    if max_choices is None or max_choices < 1:
        errors[f"{at}.max_choices"] = _("A ballot may mark at least one candidate.")
    elif seats is not None and seats >= 1 and max_choices > seats:
        errors[f"{at}.max_choices"] = _(
            "A ballot may mark at most as many candidates as there are seats (%(n)d)."
        ) % {"n": seats}
    out.update(seats=seats, max_choices=max_choices, candidates=_clean_candidates(candidates, at, errors))
    if seats is not None and seats >= 1 and len(out["candidates"]) < seats:
        errors.setdefault(
            f"{at}.candidates",
            _("An election for %(seats)d seats needs at least %(seats)d candidates.") % {"seats": seats},
        )
    return out


def _clean_candidates(candidates, at: str, errors: dict) -> list[dict]:
    if not isinstance(candidates, list | tuple):
        candidates = []
    if len(candidates) > MAX_CANDIDATES:
        errors[f"{at}.candidates"] = _("At most %(n)d candidates.") % {"n": MAX_CANDIDATES}
    names: set[str] = set()
    cleaned = []
    for c, raw in enumerate(candidates):
        candidate = _as_dict(raw) or {}
        name = _text(candidate.get("name"))
        where = f"{at}.candidates.{c}.name"
        if not name:
            errors[where] = _("Give the candidate's name.")
        elif len(name) > CANDIDATE_NAME_MAX:
            errors[where] = _("At most %(n)d characters.") % {"n": CANDIDATE_NAME_MAX}
        elif name in names:
            errors[where] = _("This candidate is listed twice.")
        names.add(name)
        profile = _text(candidate.get("profile"))
        _length(errors, f"{at}.candidates.{c}.profile", profile, MAX_TEXT)
        cleaned.append({"name": name, "profile": profile})
    return cleaned
