"""The admin pages of the app speak German: lists, histories and earlier versions, where the libraries'
own German stops (Django's add and change forms are translated by Django itself)."""

import datetime
import re

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from measures.models import ReportArchive, ReportRound
from tests.reporting.conftest import make_update

ENGLISH = re.compile(
    r"\b(Add|Change|Delete|Save|History|None|Object|Date/time|Comment|Changed by|Change reason|Changes|Search|"
    r"View|entry|entries|Home|Close|Revert|Deleted|Created|Changed|Yes|No)\b"
)


def _visible_text(response) -> str:
    text = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text)


def _admin_pages(model, obj):
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    yield reverse(f"{info}_changelist")
    yield reverse(f"{info}_history", args=[obj.pk])
    records = getattr(obj, "history", None)
    if isinstance(admin.site._registry[model], SimpleHistoryAdmin) and records.exists():
        yield reverse(f"{info}_simple_history", args=[obj.pk, records.first().pk])


@pytest.fixture
def objects(measure, reporter_a, buero_user, concept):
    update = make_update(measure, reporter_a)
    update.public_text = "Geändert."
    update.save()  # a change without a reason
    report_round = ReportRound.objects.create(
        concept=concept, title="Runde", cut_off_date=datetime.date(2026, 3, 31), deadline=datetime.date(2026, 4, 30)
    )
    archive = ReportArchive(report_round=report_round, created_by=buero_user, file_name="bericht.pdf")
    archive.set_content(b"%PDF-1.7")
    archive.save()
    return measure


def test_no_english_on_the_admin_pages_of_the_app(buero_client, objects):
    found = {}
    for model in admin.site._registry:
        if model._meta.app_label != "measures":
            continue
        obj = model._default_manager.first()
        if obj is None:
            continue
        for url in _admin_pages(model, obj):
            response = buero_client.get(url)
            if response.status_code == 403:  # e.g. adding an archive or a reminder log: not offered
                continue
            assert response.status_code == 200, url
            words = set(ENGLISH.findall(_visible_text(response)))
            if words:
                found[url] = sorted(words)
    assert found == {}
