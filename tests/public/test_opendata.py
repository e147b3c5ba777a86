"""Open data exports: columns, filters, types and formula neutralisation."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

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
    assert first["adresse"] == "http://testserver/testkonzept/massnahmen/1.1/"
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
    assert "<td>B, Zzz-Stelle</td>" in client.get("/testkonzept/massnahmen/").content.decode()
