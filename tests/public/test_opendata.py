"""Open data exports: columns, filters, types and formula neutralisation."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from measures.choices import OpenDataLicence
from measures.public.opendata import COLUMNS

pytestmark = pytest.mark.django_db

KEYS = [column.key for column in COLUMNS]


def csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]], list(rows[0])


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://monitor.example"


def test_csv_has_documented_columns_and_public_values(client, world):
    response = client.get("/testkonzept/massnahmen.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="testkonzept-massnahmen.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0]) == KEYS
    assert [row["nummer"] for row in rows] == ["1.1", "1.10", "2.1"]
    first = rows[0]
    assert first["federfuehrung"] == "Stelle A"
    assert first["beteiligt"] == "Stelle B"
    assert first["ziele"] == "1; 2"
    assert first["umsetzungsstand"] == "in Umsetzung"
    assert first["fortschritt_prozent"] == "40"
    assert first["budget_eur"] == "12500.00"
    assert first["beginn"] == "2024-03-01"
    assert first["adresse"] == "https://monitor.example/testkonzept/massnahmen/1.1/"
    assert rows[1]["umsetzungsstand"] == "noch keine Meldung"
    assert rows[1]["fortschritt_prozent"] == ""  # no report is never 0 %
    assert rows[2]["fortlaufend"] == "ja"


def test_exports_honour_the_list_filters(client, world):
    assert [row["nummer"] for row in csv_rows(client.get("/testkonzept/massnahmen.csv?handlungsfeld=2"))] == ["2.1"]
    data = json.loads(client.get("/testkonzept/massnahmen.json?stelle=stelle-b&rolle=federfuehrung").content)
    assert [row["nummer"] for row in data["massnahmen"]] == ["1.10"]
    rows, _header = xlsx_rows(client.get("/testkonzept/massnahmen.xlsx?stand=umgesetzt"))
    assert [row["nummer"] for row in rows] == ["2.1"]


def test_json_is_typed(client, world):
    response = client.get("/testkonzept/massnahmen.json")
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["konzept"]["titel"] == "Testkonzept"
    assert data["konzept"]["demonstration"] is False
    assert data["anzahl"] == 3
    first, second, third = data["massnahmen"]
    assert list(first) == KEYS
    assert first["fortschritt_prozent"] == 40
    assert first["budget_eur"] == 12500.0
    assert first["beginn"] == "2024-03-01"
    assert second["fortschritt_prozent"] is None
    assert third["fortlaufend"] is True


def test_xlsx_keeps_numbers_as_numbers(client, world):
    response = client.get("/testkonzept/massnahmen.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows, header = xlsx_rows(response)
    assert header == KEYS
    assert rows[0]["fortschritt_prozent"] == 40
    assert rows[0]["budget_eur"] == 12500
    assert rows[0]["handlungsfeld"] == "Arbeit"


def test_exports_are_safe_against_formula_injection(client, world):
    measure = world["measures"][0]
    measure.title = '=HYPERLINK("http://evil.example","klick")'
    measure.summary = "+49 Kosten"
    measure.target_groups = "@alle"
    measure.save()
    first = csv_rows(client.get("/testkonzept/massnahmen.csv"))[0]
    assert first["titel"] == '\'=HYPERLINK("http://evil.example","klick")'
    assert first["kurzbeschreibung"] == "'+49 Kosten"
    assert first["zielgruppen"] == "'@alle"
    rows, _header = xlsx_rows(client.get("/testkonzept/massnahmen.xlsx"))
    assert rows[0]["titel"].startswith("'=")
    assert rows[0]["kurzbeschreibung"] == "'+49 Kosten"


def test_unknown_format_is_404(client, world):
    assert client.get("/testkonzept/massnahmen.exe").status_code == 404


def test_readme_documents_every_column():
    from pathlib import Path

    from django.conf import settings

    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    for key in KEYS:
        assert f"| `{key}` |" in readme, key


def test_export_and_detail_page_list_lead_units_before_partners(client, world, unit_b):
    from measures.choices import Role
    from measures.models import Measure, MeasureResponsibility, ResponsibleUnit
    from measures.public.opendata import export_queryset

    second = world["measures"][1]  # lead: Stelle B
    early = ResponsibleUnit.objects.create(name="Aaa-Stelle", slug="aaa-stelle")
    MeasureResponsibility.objects.create(measure=second, unit=early, role=Role.PARTNER)
    MeasureResponsibility.objects.create(
        measure=second, unit=ResponsibleUnit.objects.create(name="Zzz-Stelle", slug="zzz-stelle"), role=Role.LEAD
    )
    # By name within each role, leads first, whatever the stored role values sort like.
    expected = [("Stelle B", Role.LEAD), ("Zzz-Stelle", Role.LEAD), ("Aaa-Stelle", Role.PARTNER)]
    ordered = MeasureResponsibility.objects.filter(measure=second).lead_first()
    assert [(r.unit.name, r.role) for r in ordered] == expected
    exported = export_queryset(Measure.objects.filter(pk=second.pk)).get()
    assert [(r.unit.name, r.role) for r in exported.public_responsibilities] == expected
    content = client.get(second.get_absolute_url()).content.decode()
    assert content.index("Stelle B</a> (Federführung)") < content.index("Zzz-Stelle</a> (Federführung)")
    assert content.index("Zzz-Stelle</a> (Federführung)") < content.index("Aaa-Stelle</a> (beteiligt)")
    row = json.loads(client.get("/testkonzept/massnahmen.json").content)["massnahmen"][1]
    assert (row["federfuehrung"], row["beteiligt"]) == ("Stelle B; Zzz-Stelle", "Aaa-Stelle")
    # The list shows the lead units only, by name.
    assert '<span class="leads">B, Zzz-Stelle</span>' in client.get("/testkonzept/massnahmen/").content.decode()


def test_absolute_addresses_come_from_site_url_never_from_the_host_header(client, world, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    for host in ("testserver", "other.example"):
        document = json.loads(client.get("/testkonzept/massnahmen.json", HTTP_HOST=host).content)
        assert document["konzept"]["adresse"] == "https://monitor.example/testkonzept/"
        assert {row["adresse"] for row in document["massnahmen"]} == {
            f"https://monitor.example/testkonzept/massnahmen/{code}/" for code in ("1.1", "1.10", "2.1")
        }
        rows = csv_rows(client.get("/testkonzept/massnahmen.csv", HTTP_HOST=host))
        assert all(row["adresse"].startswith("https://monitor.example/") for row in rows)


def test_json_writes_null_for_every_missing_value_as_the_readme_promises(client, world):
    """A measure without report, texts, units or dates: null, never an empty string."""
    second = json.loads(client.get("/testkonzept/massnahmen.json").content)["massnahmen"][1]
    assert second["nummer"] == "1.10"
    for key in ("kurzbeschreibung", "beschreibung", "ziel_indikator", "zielgruppen", "beteiligt", "begruendung"):
        assert second[key] is None, key
    for key in ("beginn", "ende", "budget_eur", "fortschritt_prozent", "stand_vom"):
        assert second[key] is None, key
    assert "" not in second.values()
    # The README says so.
    from pathlib import Path

    from django.conf import settings

    assert "fehlende Werte `null`" in (Path(settings.BASE_DIR) / "README.md").read_text()


def test_semicolon_csv_for_german_excel(client, world):
    response = client.get("/testkonzept/massnahmen.semikolon.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="testkonzept-massnahmen.semikolon.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffnummer;titel;vorlaeufig;")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert [row["nummer"] for row in rows] == ["1.1", "1.10", "2.1"]
    assert rows[0]["ziele"] == "1; 2"  # the list separator inside a cell survives quoting
    # Filters apply as for the other formats.
    filtered = client.get("/testkonzept/massnahmen.semikolon.csv?handlungsfeld=2").content.decode("utf-8")
    assert [row["nummer"] for row in csv.DictReader(io.StringIO(filtered[1:]), delimiter=";")] == ["2.1"]


def test_leading_whitespace_before_a_formula_is_neutralised_in_csv_and_xlsx(client, world):
    measure = world["measures"][0]
    measure.title = ' =HYPERLINK("http://evil.example","klick")'
    measure.summary = "\n+1"
    measure.save()
    first = csv_rows(client.get("/testkonzept/massnahmen.csv"))[0]
    assert first["titel"] == '\' =HYPERLINK("http://evil.example","klick")'
    assert first["kurzbeschreibung"] == "'\n+1"
    rows, _header = xlsx_rows(client.get("/testkonzept/massnahmen.xlsx"))
    assert rows[0]["titel"].startswith("' =")


@pytest.mark.parametrize(
    ("licence", "name", "spdx"),
    [
        (OpenDataLicence.DL_BY_DE_2_0, "Datenlizenz Deutschland – Namensnennung – Version 2.0", "DL-DE-BY-2.0"),
        (OpenDataLicence.CC_ZERO, "Creative Commons Zero (CC0 1.0)", "CC0-1.0"),
    ],
)
def test_licence_chosen_by_the_buero_is_named_everywhere(client, world, licence, name, spdx):
    concept = world["concept"]
    concept.open_data_licence = licence
    concept.save()
    page = client.get("/offene-daten/").content.decode()
    assert name in page
    assert f'href="{licence.text_url}"' in page
    document = json.loads(client.get("/testkonzept/massnahmen.json").content)
    assert document["konzept"]["lizenz"]["titel"] == name
    assert document["konzept"]["lizenz"]["uri"] == licence.uri
    workbook = load_workbook(io.BytesIO(client.get("/testkonzept/massnahmen.xlsx").content))
    assert name in workbook.properties.description
    assert {prop.name: prop.value for prop in workbook.custom_doc_props.props}["Lizenz-URI"] == licence.uri
    package = json.loads(client.get("/testkonzept/datapackage.json").content)
    assert package["licenses"] == [{"name": spdx, "path": licence.text_url, "title": name}]


def test_default_licence_is_datenlizenz_deutschland_namensnennung(client, world):
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in client.get("/offene-daten/").content.decode()


def test_open_data_page_links_every_format_and_the_data_package(client, world):
    page = client.get("/offene-daten/").content.decode()
    for fmt in ("csv", "semikolon.csv", "xlsx", "json"):
        assert f'href="/testkonzept/massnahmen.{fmt}"' in page
    assert 'href="/testkonzept/datapackage.json"' in page


def _read_through_schema(package, resource_name, content, tmp_path):
    """Read a download the way a data tool does: through the published Table Schema (frictionless)."""
    from frictionless import Dialect, Resource, Schema

    descriptor = next(resource for resource in package["resources"] if resource["name"] == resource_name)
    path = tmp_path / descriptor["path"].rsplit("/", 1)[1]
    path.write_bytes(content)
    resource = Resource(
        path=path.name,
        basepath=str(tmp_path),
        schema=Schema.from_descriptor(descriptor["schema"]),
        encoding=descriptor.get("encoding"),
        dialect=Dialect.from_descriptor(descriptor.get("dialect", {})),
    )
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    return resource.read_rows()


@pytest.mark.parametrize(
    ("resource_name", "url"),
    [
        ("massnahmen-csv", "/testkonzept/massnahmen.csv"),
        ("massnahmen-semikolon-csv", "/testkonzept/massnahmen.semikolon.csv"),
        ("massnahmen-xlsx", "/testkonzept/massnahmen.xlsx"),
    ],
)
def test_files_read_through_the_schema_keep_measure_numbers_and_types(client, world, tmp_path, resource_name, url):
    package = json.loads(client.get("/testkonzept/datapackage.json").content)
    rows = _read_through_schema(package, resource_name, client.get(url).content, tmp_path)
    assert [row["nummer"] for row in rows] == ["1.1", "1.10", "2.1"]  # „1.10“ stays „1.10“
    first = rows[0]
    assert first["beginn"] == date(2024, 3, 1)
    assert first["budget_eur"] == Decimal("12500")
    assert first["fortschritt_prozent"] == 40
    assert first["handlungsfeld_nummer"] == 1
    assert first["vorlaeufig"] is False
    assert rows[2]["fortlaufend"] is True
    assert rows[1]["fortschritt_prozent"] is None  # no report: missing, never 0


def test_data_package_is_valid_and_generated_from_the_column_list(client, world):
    from frictionless import Package

    response = client.get("/testkonzept/datapackage.json")
    assert response["Content-Type"] == "application/json"
    package = json.loads(response.content)
    assert Package.validate_descriptor(package).valid
    for resource in package["resources"]:
        assert resource["path"].startswith("https://monitor.example/testkonzept/massnahmen.")
    fields = package["resources"][0]["schema"]["fields"]
    assert [field["name"] for field in fields] == KEYS
    types = {field["name"]: field["type"] for field in fields}
    assert types["nummer"] == "string"
    assert (types["beginn"], types["budget_eur"], types["fortlaufend"]) == ("date", "number", "boolean")
    by_name = {field["name"]: field for field in fields}
    assert by_name["umsetzungsstand"]["constraints"]["enum"][0] == "noch keine Meldung"
    assert by_name["titel"]["description"] == "Titel der Maßnahme"


def test_data_package_of_an_unpublished_concept_is_404(client, secrets):
    assert client.get("/geheimes-konzept/datapackage.json").status_code == 404
