from io import StringIO

import pytest
from django.core.management import call_command

from measures.models import Concept, Measure


@pytest.mark.django_db
def test_load_initial_data_is_idempotent():
    call_command("load_initial_data", stdout=StringIO())
    counts = (Concept.objects.count(), Measure.objects.count())
    assert counts == (2, 54)
    out = StringIO()
    call_command("load_initial_data", stdout=out)
    assert "besteht bereits" in out.getvalue()
    assert (Concept.objects.count(), Measure.objects.count()) == counts


@pytest.mark.django_db
def test_load_initial_data_keeps_the_bueros_edits():
    call_command("load_initial_data", stdout=StringIO())
    Concept.objects.filter(slug="integrationskonzept-2024-2028").update(summary="Vom Büro überarbeitet.")
    Measure.objects.filter(concept__slug="demo", code="1.1").update(title="Geänderter Demo-Titel")
    call_command("load_initial_data", stdout=StringIO())
    assert Concept.objects.get(slug="integrationskonzept-2024-2028").summary == "Vom Büro überarbeitet."
    assert Measure.objects.get(concept__slug="demo", code="1.1").title == "Geänderter Demo-Titel"


@pytest.mark.django_db
def test_generate_demo_rejects_zero_measures():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="mindestens 1"):
        call_command("generate_demo", measures=0)
    assert not Concept.objects.exists()
