"""The Büro's import, export and template pages in the admin, for each kind of person."""

import io
import uuid

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import roles
from accounts.models import User
from measures.models import ImportJob, ImportRecord, Measure

from .conftest import csv_file, database_state, xlsx_file

IMPORT_URL = reverse("admin:measures_measure_import")
# A job that does not exist: what a tampered or guessed address reaches.
CONFIRM_URL = reverse("admin:measures_measure_import_confirm", args=[uuid.uuid4()])
EXPORT_URL = reverse("admin:measures_measure_export")
TEMPLATE_URL = reverse("admin:measures_measure_template")
ROWS = [["Nr.", "Titel", "Handlungsfeld"], ["1.1", "Neuer Titel", "1"], ["1.2", "Neue Maßnahme", "1"]]


@pytest.fixture
def staff_reporter(unit_a):
    """A reporter who also has staff access to the admin, but is not the Büro."""
    user = User.objects.create_user(username="staff-reporter", password="ein-sicheres-Passwort-123", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.REPORTING))
    return user


def _upload(client, concept, data=None, name="katalog.xlsx", *, follow=True):
    """Upload a file; with ``follow`` the response is the job's page with the finished preview."""
    data = xlsx_file(ROWS) if data is None else data
    return client.post(IMPORT_URL, {"concept": concept.pk, "file": SimpleUploadedFile(name, data)}, follow=follow)


def _confirm_url(job):
    return reverse("admin:measures_measure_import_confirm", args=[job.pk])


@pytest.mark.parametrize("url", [IMPORT_URL, EXPORT_URL, TEMPLATE_URL, CONFIRM_URL])
def test_anonymous_visitors_are_sent_to_the_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("url", [IMPORT_URL, EXPORT_URL, TEMPLATE_URL])
def test_a_reporter_without_staff_access_is_sent_to_the_login(client, reporter_a, url):
    client.force_login(reporter_a)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("url", [IMPORT_URL, EXPORT_URL, TEMPLATE_URL])
def test_a_staff_reporter_is_refused(client, staff_reporter, url):
    """Staff access does not open the admin to anyone but the Büro."""
    client.force_login(staff_reporter)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_staff_reporter_cannot_upload_or_confirm(client, staff_reporter, measure):
    client.force_login(staff_reporter)
    before = database_state()
    for response in (_upload(client, measure.concept, follow=False), client.post(CONFIRM_URL)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert database_state() == before


def test_the_changelist_offers_import_and_export_to_the_buero_only(client, buero_client, staff_reporter, measure):
    changelist = reverse("admin:measures_measure_changelist")
    page = buero_client.get(changelist).content.decode()
    assert IMPORT_URL in page and EXPORT_URL in page
    client.force_login(staff_reporter)
    response = client.get(changelist)
    assert response.status_code == 302
    assert IMPORT_URL not in response.content.decode()


def test_upload_preview_confirm(buero_client, buero_user, measure):
    form = buero_client.get(IMPORT_URL)
    assert form.status_code == 200
    assert TEMPLATE_URL in form.content.decode()

    before = database_state()
    uploaded = _upload(buero_client, measure.concept, follow=False)
    job = ImportJob.objects.get()
    assert uploaded["Location"] == reverse("admin:measures_measure_import_job", args=[job.pk])
    preview = buero_client.get(uploaded["Location"])
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "1 neue Maßnahme" in page and "1 geänderte Maßnahme" in page
    assert '<tr class="import-changed">' in page
    assert "<strong>Titel:</strong>" in page and "<del>Testmaßnahme</del> → <ins>Neuer Titel</ins>" in page
    assert database_state() == before  # the preview writes nothing
    assert _confirm_url(job) in page

    # The confirm finds the file in the database, whatever happened to the cache.
    cache.clear()
    confirmed = buero_client.post(_confirm_url(job))
    assert confirmed["Location"] == reverse("admin:measures_measure_import_job", args=[job.pk])
    done = buero_client.get(confirmed["Location"])
    record = ImportRecord.objects.get()
    assert done["Location"] == reverse("admin:measures_importrecord_change", args=[record.pk])
    assert (record.user, record.rows_created, record.rows_updated) == (buero_user, 1, 1)
    assert Measure.objects.get(code="1.1").title == "Neuer Titel"
    job.refresh_from_db()
    assert (job.state, job.file_data) == (ImportJob.State.DONE, b"")
    # A second confirm of the same preview (a double click) imports nothing more.
    again = buero_client.post(_confirm_url(job), follow=True)
    assert "Dieser Import ist schon bestätigt" in again.content.decode()
    assert ImportRecord.objects.count() == 1

    record_page = buero_client.get(done["Location"]).content.decode()
    assert "katalog.xlsx" in record_page


def test_a_confirm_after_the_catalogue_changed_says_so_and_uses_up_the_upload(buero_client, measure, unit_b):
    rows = [[*ROWS[0], "Federführung"], ["1.1", "Neuer Titel", "1", "Stelle A"], ["1.2", "Neu", "1", "Stelle B"]]
    preview = _upload(buero_client, measure.concept, csv_file(rows), "katalog.csv")
    job = preview.context["job"]
    assert preview.context["can_confirm"]
    unit_b.delete()  # someone changes the catalogue between preview and confirm
    before = database_state()

    response = buero_client.post(_confirm_url(job), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Seit der Vorschau hat sich der Katalog geändert; es wurde nichts gespeichert." in page
    assert "Bitte laden Sie die Datei erneut hoch." in page
    assert "Bitte korrigieren Sie die Datei" not in page
    assert "Unbekannte Stelle „Stelle B“" in page
    assert _confirm_url(job) not in page
    assert database_state() == before

    again = buero_client.post(_confirm_url(job), follow=True)
    assert "Dieser Import ist schon bestätigt" in again.content.decode()
    assert database_state() == before


def test_a_confirm_whose_file_fails_to_read_uses_up_the_upload(buero_client, measure, monkeypatch):
    from measures.exchange import jobs
    from measures.exchange.files import ImportFileError

    job = _upload(buero_client, measure.concept).context["job"]

    def unreadable(*args, **kwargs):
        raise ImportFileError("Die Excel-Datei ist beschädigt und kann nicht gelesen werden.")

    monkeypatch.setattr(jobs, "run_import", unreadable)
    response = buero_client.post(_confirm_url(job), follow=True)
    assert "Die Excel-Datei ist beschädigt" in response.content.decode()
    monkeypatch.undo()
    again = buero_client.post(_confirm_url(job), follow=True)
    assert "Dieser Import ist schon bestätigt" in again.content.decode()
    assert not ImportRecord.objects.exists()


def test_another_buero_person_can_neither_see_nor_confirm_the_upload(buero_client, measure):
    from django.test import Client

    job = _upload(buero_client, measure.concept).context["job"]
    other = User.objects.create_user(username="buero-2", password="ein-sicheres-Passwort-123", is_staff=True)
    other.groups.add(Group.objects.get(name=roles.BUERO))
    client = Client()
    client.force_login(other)
    assert client.get(reverse("admin:measures_measure_import_job", args=[job.pk])).status_code == 404
    assert client.post(_confirm_url(job)).status_code == 404
    assert buero_client.post(_confirm_url(job)).status_code == 302
    assert ImportRecord.objects.get().user.username == "buero-admin"


def test_a_preview_with_errors_offers_no_confirm(buero_client, measure):
    rows = [*ROWS, ["1.3", "Kaputt", "7"]]
    before = database_state()
    response = _upload(buero_client, measure.concept, csv_file(rows), "katalog.csv")
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["can_confirm"] is False
    assert "Es wurde nichts gespeichert" in page
    assert "Unbekanntes Handlungsfeld" in page
    assert _confirm_url(response.context["job"]) not in page
    assert database_state() == before


def test_a_repeated_number_shows_as_an_error_row_in_the_preview(buero_client, measure):
    rows = [ROWS[0], ["1.5", "Erste", "1"], ["1.5", "Zweite", "1"]]
    before = database_state()
    response = _upload(buero_client, measure.concept, csv_file(rows), "katalog.csv")
    page = response.content.decode()
    assert response.context["can_confirm"] is False
    assert response.context["outcome"].counts == {"new": 1, "changed": 0, "unchanged": 0, "error": 1}
    assert page.count('<tr class="import-error">') == 1
    assert page.count('<tr class="import-new">') == 1
    assert "1 Zeile mit Fehlern" in page
    assert "Die Nummer steht schon in Zeile 2" in page
    assert database_state() == before


@pytest.mark.parametrize(
    ("extra_rows", "note"),
    [
        ([["1.3", "Kaputt", "7"]], "Die Datei enthält einen Fehler."),
        ([["1.3", "Kaputt", "7"], ["1.4", "Kaputt", "8"]], "Die Datei enthält 2 Fehler."),
    ],
)
def test_the_error_note_counts_in_singular_and_plural(buero_client, measure, extra_rows, note):
    response = _upload(buero_client, measure.concept, csv_file([*ROWS, *extra_rows]), "katalog.csv")
    assert note in response.content.decode()


def test_the_import_page_lists_the_columns_itself(buero_client, measure):
    page = buero_client.get(IMPORT_URL).content.decode()
    assert "README" not in page
    assert "<li><strong>Nr.</strong> (Pflicht)</li>" in page
    assert "<li>Federführung</li>" in page
    assert "<li>Interne Notiz</li>" in page


def test_a_broken_file_shows_its_message_on_the_form(buero_client, measure):
    response = _upload(buero_client, measure.concept, b"%PDF-1.7", "katalog.xlsx")
    assert response.status_code == 200
    assert "keine gültige Excel-Datei" in response.content.decode()


def test_an_upload_over_the_limit_is_refused_without_a_500(buero_client, measure, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2000
    response = _upload(buero_client, measure.concept, b"x" * 300_000, "gross.csv")
    assert response.status_code == 200
    assert "Die Datei ist zu groß; erlaubt sind höchstens" in response.content.decode()
    settings.IMPORT_MAX_UPLOAD_BYTES = 100_000
    response = _upload(buero_client, measure.concept, b"x" * 120_000, "gross.csv")
    assert "Die Datei ist zu groß" in response.content.decode()


@pytest.mark.parametrize(
    "size",
    [300_000, 120_000],
    ids=["declared-length-over-the-limit", "cut-off-while-reading"],
)
def test_an_upload_over_the_limit_shows_only_the_size_and_keeps_the_concept(buero_client, measure, settings, size):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100_000 if size == 120_000 else 2000
    response = _upload(buero_client, measure.concept, b"x" * size, "gross.csv")
    page = response.content.decode()
    form = response.context["form"]
    assert response.context["form_error"].startswith("Die Datei ist zu groß")
    assert not form.is_bound
    assert form["concept"].value() == str(measure.concept.pk)
    assert f'<option value="{measure.concept.pk}" selected>' in page
    assert "errorlist" not in page
    assert page.count('class="errornote"') == 1


def test_a_guessed_job_address_is_not_found(buero_client, measure):
    _upload(buero_client, measure.concept)
    assert buero_client.get(reverse("admin:measures_measure_import_job", args=[uuid.uuid4()])).status_code == 404
    assert buero_client.post(CONFIRM_URL).status_code == 404
    assert buero_client.get("/admin/measures/measure/import/keine-uuid/").status_code in (302, 404)
    assert not ImportRecord.objects.exists()


@pytest.mark.parametrize(
    ("file_format", "content_type"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("csv", "text/csv; charset=utf-8"),
        ("json", "application/json"),
    ],
)
def test_the_buero_exports_with_internal_fields(buero_client, measure, file_format, content_type):
    measure.internal_note = "Nur für das Büro"
    measure.save()
    response = buero_client.get(EXPORT_URL, {"concept": measure.concept.pk, "format": file_format})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert f'filename="massnahmen-testkonzept.{file_format}"' in response["Content-Disposition"]
    if file_format in ("csv", "json"):
        assert "Nur für das Büro" in response.content.decode("utf-8-sig")


def test_the_export_form(buero_client, measure):
    response = buero_client.get(EXPORT_URL)
    assert response.status_code == 200
    assert 'name="format"' in response.content.decode()


def test_the_blank_template(buero_client):
    response = buero_client.get(TEMPLATE_URL)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:6] == [
        "Nr.",
        "Titel",
        "Handlungsfeld",
        "Ziele",
        "Federführung",
        "Beteiligt",
    ]


def test_import_records_are_visible_to_the_buero_and_read_only(
    buero_client, client, staff_reporter, measure, buero_user
):
    record = ImportRecord.objects.create(
        concept=measure.concept, user=buero_user, file_name="k.xlsx", file_format="xlsx"
    )
    changelist = reverse("admin:measures_importrecord_changelist")
    assert "k.xlsx" in buero_client.get(changelist).content.decode()
    assert buero_client.get(reverse("admin:measures_importrecord_add")).status_code == 403
    change = buero_client.get(reverse("admin:measures_importrecord_change", args=[record.pk])).content.decode()
    assert 'name="file_name"' not in change
    client.force_login(staff_reporter)
    assert client.get(changelist)["Location"].startswith(reverse("admin:login"))


def test_the_upload_is_protected_against_cross_site_requests(buero_user, measure):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(buero_user)
    before = database_state()
    assert _upload(client, measure.concept).status_code == 403
    assert client.post(CONFIRM_URL).status_code == 403
    assert database_state() == before


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.7", "katalog.xlsx", "keine gültige Excel-Datei"),
        (b"Nr.;Titel\n", "katalog.ods", "keine gültige LibreOffice-Datei"),
        (b"Nr.;Titel;Handlungsfeld\r\n1.1;Ma\x81nahme;1\r\n", "katalog.csv", "weder UTF-8 noch Windows-1252"),
        (b"Nr.;Titell\r\n1.1;T\r\n", "katalog.csv", "Meinten Sie „Titel“?"),
        (b"Nr.;Titel;Handlungsfeld\r\n1.1;T;1\r\n1.1;U;1\r\n", "katalog.csv", "Die Nummer steht schon in Zeile 2"),
        (b"Nr.;Titel;Handlungsfeld;Umsetzungsstand\r\n1.1;T;1;fertig\r\n", "katalog.csv", "Unbekannter Wert"),
        (b"Nr.;Titel;Handlungsfeld\r\n1.1;T;1\r\n", "katalog.numbers", "kein unterstütztes Format"),
    ],
)
def test_bad_files_in_the_admin_give_a_german_message_never_a_500(buero_client, measure, data, name, message):
    before = database_state()
    response = _upload(buero_client, measure.concept, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert database_state() == before


def test_an_oversized_upload_passes_the_csrf_check_without_the_file_being_read(buero_user, measure, settings):
    from django.test import Client

    settings.IMPORT_MAX_UPLOAD_BYTES = 2000
    client = Client(enforce_csrf_checks=True)
    client.force_login(buero_user)
    token = client.get(IMPORT_URL).context["csrf_token"]
    response = client.post(
        IMPORT_URL,
        {
            "csrfmiddlewaretoken": str(token),
            "concept": measure.concept.pk,
            "file": SimpleUploadedFile("gross.csv", b"x" * 300_000),
        },
    )
    assert response.status_code == 200
    assert "Die Datei ist zu groß" in response.content.decode()
    assert response.context["form"]["concept"].value() == str(measure.concept.pk)
