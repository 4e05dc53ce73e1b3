"""R-DATA-1 through its two doors: ``POST /api/bindings/import`` (multipart file, JSON body, CSV
body; structured errors) and ``manage.py import_bindings``; and the imported binding's provenance
as staff and owners see it."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from ownervote.bindings import importfile
from ownervote.bindings.errors import Code
from ownervote.bindings.models import Binding
from tests.bindings.test_import import SOURCE, as_csv, make_world, qian, zhao

URL = "/api/bindings/import"


@pytest.fixture
def world(owner_world, staff, estates):
    return make_world(owner_world, staff, estates)


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_api_multipart_csv_imports_r_data_1(world):
    response = client_of(world["city"]).post(
        f"{URL}?source={SOURCE}",
        {"file": SimpleUploadedFile("bindings.csv", as_csv([zhao(world), qian(world)]), "text/csv")},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] and body["created"] == 2 and body["estates_imported"] == 2
    assert [e["status"] for e in body["estates"]] == ["imported", "imported"]
    assert Binding.objects.filter(provenance=SOURCE).count() == 2


def test_api_json_body_dry_run_and_row_errors_r_data_1(world):
    """A JSON object body with its own source; one estate with a bad record fails with every
    problem listed (row, field, code, message in Chinese), the other would import; nothing written."""
    bad = zhao(world) | {"mobile": "123", "verified_on": "yesterday"}
    body = {"source": SOURCE, "records": [bad, qian(world)]}
    response = client_of(world["city"]).post(f"{URL}?dry_run=true", body, content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert not data["ok"] and data["dry_run"]
    failed, fine = data["estates"]
    assert (failed["status"], fine["status"]) == ("failed", "would_import")
    errors = {(e["row"], e["field"], e["code"]) for e in failed["errors"]}
    assert errors == {(1, "mobile", Code.IMPORT_MOBILE_INVALID), (1, "verified_on", Code.IMPORT_DATE)}
    assert "手机号码" in failed["errors"][0]["message"] or "日期" in failed["errors"][0]["message"]
    assert not Binding.objects.filter(provenance=SOURCE).exists()


def test_api_csv_body_r_data_1(world):
    response = client_of(world["city"]).post(
        f"{URL}?source={SOURCE}", as_csv([zhao(world)]), content_type="text/csv"
    )
    assert response.status_code == 200 and response.json()["created"] == 1


def test_api_malformed_and_missing_r_data_1(world):
    c = client_of(world["city"])
    response = c.post(f"{URL}?source={SOURCE}", "楼栋,房号\n1栋,101\n".encode(), content_type="text/csv")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == Code.IMPORT_FILE and {d["field"] for d in error["details"]} >= {"id_number"}
    assert c.post(f"{URL}?source={SOURCE}", b"", content_type="text/csv").status_code == 422
    response = c.post(f"{URL}?source={SOURCE}", {"other": "x"})
    assert response.status_code == 422 and response.json()["error"]["code"] == Code.IMPORT_FILE
    response = c.post(f"{URL}?source=Bad Source", as_csv([zhao(world)]), content_type="text/csv")
    assert response.json()["error"]["code"] == Code.IMPORT_SOURCE
    assert not Binding.objects.filter(provenance__startswith="platform").exists()


def test_api_size_limit_r_data_1(world, monkeypatch):
    monkeypatch.setattr(importfile, "API_MAX_BYTES", 100)
    response = client_of(world["city"]).post(
        f"{URL}?source={SOURCE}", {"file": SimpleUploadedFile("b.csv", as_csv([zhao(world)]), "text/csv")}
    )
    assert response.status_code == 422 and response.json()["error"]["code"] == Code.IMPORT_TOO_LARGE


@pytest.mark.parametrize("role", ["district", "street", "convener"])
def test_api_refuses_everybody_but_the_city_r_data_1(world, staff, role):
    response = client_of(staff[role]).post(
        f"{URL}?source={SOURCE}", as_csv([zhao(world)]), content_type="text/csv"
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == Code.IMPORT_FORBIDDEN
    assert Client().post(URL, as_csv([zhao(world)]), content_type="text/csv").status_code == 401
    assert not Binding.objects.filter(provenance=SOURCE).exists()


def test_command_imports_and_reports_r_data_1(world, tmp_path, capsys):
    path = tmp_path / "bindings.csv"
    path.write_bytes(as_csv([zhao(world), qian(world)]))
    call_command("import_bindings", str(path), "--as", world["city"].username, "--source", SOURCE, "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["created"] == 2 and data["ok"]
    call_command("import_bindings", str(path), "--as", world["city"].username, "--source", SOURCE)
    out = capsys.readouterr().out
    assert "unchanged 2" in out and "imported" in out


def test_command_dry_run_failure_exits_1_r_data_1(world, staff, tmp_path, capsys):
    path = tmp_path / "bindings.csv"
    path.write_bytes(as_csv([zhao(world) | {"room": "999"}]))
    with pytest.raises(CommandError) as exc:
        call_command(
            "import_bindings", str(path), "--as", world["city"].username, "--source", SOURCE, "--dry-run"
        )
    assert exc.value.returncode == 1
    assert Code.IMPORT_FLAT_UNKNOWN in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("import_bindings", str(path), "--as", staff["street"].username, "--source", SOURCE)
    with pytest.raises(CommandError):
        call_command("import_bindings", str(tmp_path / "nope.csv"), "--as", world["city"].username)
    assert not Binding.objects.filter(provenance=SOURCE).exists()


def test_provenance_shown_to_the_owner_r_data_1(world):
    """The owner's own binding says where it came from (API ``provenance``)."""
    client_of(world["city"]).post(f"{URL}?source={SOURCE}", as_csv([zhao(world)]), content_type="text/csv")
    owner = Binding.objects.get(provenance=SOURCE).user
    mine = client_of(owner).get("/api/bindings").json()
    assert [b["provenance"] for b in mine] == [SOURCE]


def test_console_page_checks_then_confirms_r_data_1(world, staff):
    """The city operator's page: the check lists each estate and writes nothing; confirming imports
    the very file that was checked; others are refused."""
    page = "/console/bindings/import/"
    c = client_of(world["city"])
    assert c.get(page).status_code == 200
    upload = SimpleUploadedFile(
        "bindings.csv", as_csv([zhao(world), qian(world) | {"room": "999"}]), "text/csv"
    )
    response = c.post(page, {"source": SOURCE, "file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "碧海花园" in html and "科苑小区" in html and "999" in html
    assert not Binding.objects.filter(provenance=SOURCE).exists()
    stored = response.context["stored"]
    response = c.post(page, {"source": SOURCE, "stored": str(stored.pk)})
    assert response.status_code == 200 and response.context["summary"]["created"] == 1
    assert Binding.objects.filter(provenance=SOURCE).count() == 1
    # Another account cannot import the stored file, nor open the page.
    assert (
        client_of(staff["street"]).post(page, {"source": SOURCE, "stored": str(stored.pk)}).status_code == 403
    )
    assert c.post(page, {"source": SOURCE}).status_code == 422


def test_owner_page_says_the_binding_moved_over_r_data_1(world):
    """The owner's own flats page says the binding came from the former platform, in Chinese."""
    client_of(world["city"]).post(f"{URL}?source={SOURCE}", as_csv([zhao(world)]), content_type="text/csv")
    owner = Binding.objects.get(provenance=SOURCE).user
    html = client_of(owner).get("/m/flats/").content.decode()
    assert "由本市原平台迁入" in html and "1栋" in html
