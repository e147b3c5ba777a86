"""The permission matrix: every staff URL × (anonymous, reporter of unit A, reporter of unit B, Büro)
× (list, view, change, delete, export, history), including guessed ids of other units' objects.

The objects belong to unit A (measure_a, its draft and its submitted report) or unit B (draft_b).
"""

import io

import pytest
from openpyxl import load_workbook

from measures.choices import UpdateState
from measures.models import Measure, ReportArchive, ReportRound, StatusUpdate

PEOPLE = ["anonymous", "reporter_a", "reporter_b", "buero_user"]
LOGIN = "/anmelden/?next="
ADMIN_LOGIN = "/admin/login/?next="

# (action, URL, expected result for anonymous, reporter A, reporter B, Büro).
# "login" = redirect to the staff login; "admin-login" = redirect to the admin's login.
MATRIX = [
    # Reporting pages
    ("list", "/meine-massnahmen/", ["login", 200, 200, 200]),
    ("view", "/meine-massnahmen/{measure_a}/", ["login", 200, 404, 200]),
    ("view", "/meine-massnahmen/{measure_b}/", ["login", 404, 200, 200]),
    ("history", "/meine-massnahmen/{measure_a}/verlauf/", ["login", 200, 404, 200]),
    ("history", "/meine-massnahmen/{measure_b}/verlauf/", ["login", 404, 200, 200]),
    ("change", "/meine-massnahmen/{measure_a}/meldung/", ["login", 200, 404, 200]),
    ("change", "/meine-massnahmen/{measure_b}/meldung/", ["login", 404, 200, 200]),
    ("change", "/meldungen/{draft_a}/bearbeiten/", ["login", 200, 404, 200]),
    ("change", "/meldungen/{draft_b}/bearbeiten/", ["login", 404, 200, 200]),
    # A submitted report is with the Büro: its unit can no longer change or delete it.
    ("change", "/meldungen/{submitted_a}/bearbeiten/", ["login", 404, 404, 200]),
    ("delete", "/meldungen/{draft_a}/loeschen/", ["login", 200, 404, 200]),
    ("delete", "/meldungen/{draft_b}/loeschen/", ["login", 404, 200, 200]),
    ("delete", "/meldungen/{submitted_a}/loeschen/", ["login", 404, 404, 200]),
    ("export", "/meine-massnahmen/export.xlsx", ["login", 200, 200, 200]),
    ("change", "/passwort/", ["login", 200, 200, 200]),
    # Guessed ids that do not exist
    ("view", "/meine-massnahmen/999999/", ["login", 404, 404, 404]),
    ("change", "/meldungen/999999/bearbeiten/", ["login", 404, 404, 404]),
    # The Büro's pages
    ("list", "/pruefung/", ["login", 403, 403, 200]),
    ("view", "/pruefung/{submitted_a}/", ["login", 403, 403, 200]),
    ("list", "/berichtsrunden/", ["login", 403, 403, 200]),
    ("view", "/berichtsrunden/{report_round}/", ["login", 403, 403, 200]),
    ("view", "/berichtsrunden/{report_round}/bericht/", ["login", 403, 403, 200]),
    ("export", "/berichtsrunden/{report_round}/bericht.xlsx", ["login", 403, 403, 200]),
    ("view", "/berichtsrunden/{report_round}/bericht/?unveroeffentlichte=ja", ["login", 403, 403, 200]),
    ("export", "/berichtsrunden/{report_round}/bericht.pdf", ["login", 403, 403, 200]),
    ("export", "/berichtsrunden/{report_round}/archiv/{archive}.pdf", ["login", 403, 403, 200]),
    ("export", "/berichtsrunden/{report_round}/archiv/999999.pdf", ["login", 403, 403, 404]),
    # Closing a round is a POST of the Büro (tested below); a GET changes nothing.
    ("change", "/berichtsrunden/{report_round}/abschliessen/", ["login", 403, 403, 405]),
    # The admin is the Büro's only
    ("list", "/admin/measures/measure/", ["admin-login"] * 3 + [200]),
    ("change", "/admin/measures/measure/{measure_a}/change/", ["admin-login"] * 3 + [200]),
    ("delete", "/admin/measures/measure/{measure_b}/delete/", ["admin-login"] * 3 + [200]),
    ("history", "/admin/measures/measure/{measure_a}/history/", ["admin-login"] * 3 + [200]),
    ("list", "/admin/measures/statusupdate/", ["admin-login"] * 3 + [200]),
    ("change", "/admin/measures/statusupdate/{draft_b}/change/", ["admin-login"] * 3 + [200]),
    ("delete", "/admin/measures/statusupdate/{draft_a}/delete/", ["admin-login"] * 3 + [200]),
    ("history", "/admin/measures/statusupdate/{draft_a}/history/", ["admin-login"] * 3 + [200]),
    ("list", "/admin/measures/reportround/", ["admin-login"] * 3 + [200]),
    ("list", "/admin/measures/reportarchive/", ["admin-login"] * 3 + [200]),
    ("list", "/admin/accounts/user/", ["admin-login"] * 3 + [200]),
    (
        "list",
        "/admin/autocomplete/?app_label=measures&model_name=statusupdate&field_name=measure&term=1",
        ["admin-login"] * 3 + [200],
    ),
]


@pytest.fixture
def objects(measure_a, measure_b, draft_a, submitted_a, draft_b, report_round):
    archive = ReportArchive(report_round=report_round, file_name="sachstandsbericht.pdf")
    archive.set_content(b"%PDF-1.7 archiviert")
    archive.save()
    return {
        "archive": archive.pk,
        "measure_a": measure_a.pk,
        "measure_b": measure_b.pk,
        "draft_a": draft_a.pk,
        "submitted_a": submitted_a.pk,
        "draft_b": draft_b.pk,
        "report_round": report_round.pk,
    }


def _person(request, name):
    return None if name == "anonymous" else request.getfixturevalue(name)


@pytest.mark.parametrize(("action", "url", "expected"), MATRIX, ids=[f"{row[0]}:{row[1]}" for row in MATRIX])
@pytest.mark.parametrize("person_index", range(4), ids=PEOPLE)
def test_get_matrix(request, client, objects, action, url, expected, person_index):
    user = _person(request, PEOPLE[person_index])
    if user is not None:
        client.force_login(user)
    path = url.format(**objects)
    response = client.get(path)
    want = expected[person_index]
    if want == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
    elif want == "admin-login":
        assert response.status_code == 302
        assert response["Location"].startswith(ADMIN_LOGIN)
    else:
        assert response.status_code == want, response.content[:500]
    if response.status_code == 200 and not path.startswith("/admin/"):
        assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_lists_show_only_own_units_measures(client, objects, reporter_a, reporter_b, buero_user):
    for user, shown, hidden in (
        (reporter_a, ["Testmaßnahme"], ["Maßnahme der Stelle B"]),
        (reporter_b, ["Maßnahme der Stelle B"], ["Testmaßnahme"]),
        (buero_user, ["Testmaßnahme", "Maßnahme der Stelle B"], []),
    ):
        client.force_login(user)
        content = client.get("/meine-massnahmen/").content.decode()
        for title in shown:
            assert title in content
        for title in hidden:
            assert title not in content


def test_export_contains_only_own_measures(client, objects, reporter_a):
    client.force_login(reporter_a)
    response = client.get("/meine-massnahmen/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["1.1"]


def test_partner_unit_sees_and_reports(client, measure_b, unit_a, reporter_a):
    from measures.choices import Role
    from measures.models import MeasureResponsibility

    MeasureResponsibility.objects.create(measure=measure_b, unit=unit_a, role=Role.PARTNER)
    client.force_login(reporter_a)
    assert client.get(f"/meine-massnahmen/{measure_b.pk}/").status_code == 200
    assert list(Measure.objects.editable_by(reporter_a)) == [measure_b]


def test_other_unit_cannot_post_report_or_change_or_delete(client, objects, reporter_b, draft_a):
    client.force_login(reporter_b)
    before = StatusUpdate.objects.count()
    response = client.post(
        f"/meine-massnahmen/{objects['measure_a']}/meldung/",
        {
            "reporting_date": "2026-03-31",
            "status": "umgesetzt",
            "ampel": "im_plan",
            "action": "submit",
            "confirmed": "ja",
        },
    )
    assert response.status_code == 404
    assert StatusUpdate.objects.count() == before
    response = client.post(
        f"/meldungen/{draft_a.pk}/bearbeiten/",
        {"reporting_date": "2026-03-31", "status": "umgesetzt", "ampel": "im_plan", "public_text": "gehackt"},
    )
    assert response.status_code == 404
    assert client.post(f"/meldungen/{draft_a.pk}/loeschen/").status_code == 404
    draft_a.refresh_from_db()
    assert draft_a.public_text == "Läuft."


def test_reporter_cannot_publish_or_return(client, objects, reporter_a, submitted_a):
    client.force_login(reporter_a)
    for action in ("publish", "return"):
        response = client.post(f"/pruefung/{submitted_a.pk}/", {"action": action, "return_comment": "x"})
        assert response.status_code == 403
    submitted_a.refresh_from_db()
    assert submitted_a.state == UpdateState.SUBMITTED


def test_reporter_cannot_publish_own_report_through_the_form(client, measure_a, reporter_a):
    client.force_login(reporter_a)
    client.post(
        f"/meine-massnahmen/{measure_a.pk}/meldung/",
        {"reporting_date": "2026-03-31", "status": "umgesetzt", "ampel": "im_plan", "action": "publish"},
    )
    update = StatusUpdate.objects.get(measure=measure_a)
    assert update.state == UpdateState.DRAFT
    measure_a.refresh_from_db()
    assert measure_a.status == "keine_meldung"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/measures/measure/",
        "/admin/measures/measure/{measure_a}/change/",
        "/admin/measures/measure/{measure_a}/history/",
        "/admin/measures/statusupdate/{draft_a}/change/",
        "/admin/measures/statusupdate/add/",
        "/admin/measures/concept/",
        "/admin/measures/responsibleunit/",
        "/admin/accounts/user/",
        "/admin/autocomplete/?app_label=measures&model_name=statusupdate&field_name=measure&term=1",
    ],
)
def test_reporter_marked_as_staff_still_gets_nothing_from_the_admin(client, objects, reporter_a, url):
    """Even if someone ticks "staff" for a reporter, the admin stays the Büro's tool: every page sends
    them to the admin's login, which refuses a logged-in person who is not the Büro (403), and never
    offers a second login form that would go around the login protection."""
    reporter_a.is_staff = True
    reporter_a.save()
    client.force_login(reporter_a)
    response = client.get(url.format(**objects))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    login = client.get(response["Location"])
    assert login.status_code == 403
    content = login.content.decode()
    assert 'name="password"' not in content
    assert "Sachstandsmeldungen" not in content


def test_querysets_per_person(objects, reporter_a, reporter_b, buero_user, draft_a, submitted_a, draft_b):
    assert set(StatusUpdate.objects.visible_to(reporter_a)) == {draft_a, submitted_a}
    assert set(StatusUpdate.objects.editable_by(reporter_a)) == {draft_a}
    assert set(StatusUpdate.objects.editable_by(reporter_b)) == {draft_b}
    assert set(StatusUpdate.objects.editable_by(buero_user)) == {draft_a, submitted_a, draft_b}
    from django.contrib.auth.models import AnonymousUser

    assert not Measure.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize("person", ["reporter_a", "reporter_b"])
def test_reporters_cannot_close_a_round(request, client, objects, person):
    client.force_login(request.getfixturevalue(person))
    assert client.post(f"/berichtsrunden/{objects['report_round']}/abschliessen/").status_code == 403
    assert not ReportRound.objects.get(pk=objects["report_round"]).closed
    assert ReportArchive.objects.count() == 1
