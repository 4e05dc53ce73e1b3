"""The OpenAPI document names each schema once (issue 19 point 11; SPEC §4: the API is documented
by OpenAPI so that other clients can be built on it). django-ninja files every schema under its
class name, so two different classes of the same name collapse into one component and the document
describes one of them for both (the three ``DecisionIn`` of organisations, objections and voting
extensions did)."""

from __future__ import annotations

import typing
from collections import defaultdict

import pydantic

from ownervote.api import api


def _models(annotation, seen: set) -> None:
    if annotation in seen:
        return
    seen.add(annotation)
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
    for arg in typing.get_args(annotation):
        _models(arg, seen)


def _route_models() -> set:
    api.get_openapi_schema()  # resolves the routers' lazy parts
    seen: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    _models(model, seen)
                for response in operation.response_models.values():
                    _models(response, seen)
    return {m for m in seen if isinstance(m, type) and issubclass(m, pydantic.BaseModel)}


def test_no_two_schemas_share_a_component_name():
    """Issue 19 point 11 (SPEC §4 the API documented by OpenAPI): every schema a route reads or
    answers with has a component name of its own."""
    by_name = defaultdict(set)
    for model in _route_models():
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not shared, f"schemas sharing a component name: {shared}"


def test_the_decision_bodies_are_documented_each_with_its_own_fields():
    """Issue 19 point 11: the association, objection and extension decisions each document the
    body their route reads."""
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]

    def body(path: str) -> dict:
        ref = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return components[ref.rsplit("/", 1)[1]]

    association = body("/api/orgs/associations/{association_id}/decision")
    objection = body("/api/binding-lists/objections/{objection_id}/decision")
    extension = body("/api/voting/extensions/{extension_id}/decision")
    assert set(association["required"]) == {"decision"}
    assert association["properties"]["decision"]["enum"] == ["approved", "refused", "revoked"]
    assert "outcome" in objection["properties"]
    assert set(extension["required"]) == {"approve"}
