from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from measures.models import Concept, Measure, ResponsibleUnit


@pytest.mark.django_db
def test_load_initial_data_is_idempotent():
    call_command("load_initial_data", "--demo", stdout=StringIO())
    counts = (Concept.objects.count(), Measure.objects.count())
    assert counts == (2, 54)
    out = StringIO()
    call_command("load_initial_data", "--demo", stdout=out)
    assert "besteht bereits" in out.getvalue()
    assert (Concept.objects.count(), Measure.objects.count()) == counts


@pytest.mark.django_db
def test_a_production_install_gets_no_demonstration_data(client):
    """docs/betrieb.md runs load_initial_data without --demo: only the real concept, and the public
    site shows no demonstration anywhere."""
    call_command("load_initial_data", stdout=StringIO())
    assert list(Concept.objects.values_list("slug", "is_demo")) == [("integrationskonzept-2024-2028", False)]
    assert not ResponsibleUnit.objects.filter(name__startswith="Beispiel: ").exists()
    content = client.get("/").content.decode()
    assert "Demo" not in content and "Beispiel" not in content
    assert client.get("/demo/").status_code == 404


@pytest.mark.django_db
def test_the_demonstration_can_be_removed_again(client):
    call_command("load_initial_data", "--demo", stdout=StringIO())
    out = StringIO()
    call_command("generate_demo", "--remove", stdout=out)
    assert "gelöscht" in out.getvalue()
    assert list(Concept.objects.values_list("slug", flat=True)) == ["integrationskonzept-2024-2028"]
    assert not ResponsibleUnit.objects.filter(name__startswith="Beispiel: ").exists()
    assert Measure.objects.filter(concept__slug="integrationskonzept-2024-2028").count() == 4
    with pytest.raises(CommandError, match="kein Demo-Konzept"):
        call_command("generate_demo", "--remove", "--slug", "integrationskonzept-2024-2028")


@pytest.mark.django_db
def test_load_initial_data_keeps_the_bueros_edits():
    call_command("load_initial_data", "--demo", stdout=StringIO())
    Concept.objects.filter(slug="integrationskonzept-2024-2028").update(summary="Vom Büro überarbeitet.")
    Measure.objects.filter(concept__slug="demo", code="1.1").update(title="Geänderter Demo-Titel")
    call_command("load_initial_data", "--demo", stdout=StringIO())
    assert Concept.objects.get(slug="integrationskonzept-2024-2028").summary == "Vom Büro überarbeitet."
    assert Measure.objects.get(concept__slug="demo", code="1.1").title == "Geänderter Demo-Titel"


@pytest.mark.django_db
def test_generate_demo_rejects_zero_measures():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="mindestens 1"):
        call_command("generate_demo", measures=0)
    assert not Concept.objects.exists()
