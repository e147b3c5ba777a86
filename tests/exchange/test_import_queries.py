"""No per-row database lookups of units, goals or fields of action."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.demo import generate_demo
from measures.exchange.export import blank_template, export_catalogue
from measures.exchange.importing import run_import
from measures.models import Concept, FieldOfAction, Goal, Measure

from .conftest import csv_file

LOOKUP_TABLES = ("measures_responsibleunit", "measures_goal", "measures_fieldofaction")
# A query whose first table is a lookup table (the measure's own prefetch joins them later).
LOOKUP = re.compile(r'^SELECT [^;]*? FROM "(measures_responsibleunit|measures_goal|measures_fieldofaction)"')


def _queries(data, concept, user, *, dry_run):
    with CaptureQueriesContext(connection) as context:
        outcome = run_import(data, "katalog.csv", concept=concept, user=user, dry_run=dry_run)
    assert outcome.ok, [str(problem) for problem in outcome.problems]
    # The library wraps each row in a savepoint; those are no lookups and are left out.
    return [query["sql"] for query in context.captured_queries if not query["sql"].startswith(("SAVEPOINT", "RELEASE"))]


def _lookups(queries):
    return [sql for sql in queries if LOOKUP.match(sql)]


def _empty_copy(source, slug):
    target = Concept.objects.create(title=slug, slug=slug, start_year=2024, end_year=2028)
    FieldOfAction.objects.bulk_create(
        FieldOfAction(concept=target, number=f.number, title=f.title, slug=f.slug)
        for f in source.fields_of_action.all()
    )
    Goal.objects.bulk_create(Goal(concept=target, number=g.number, title=g.title) for g in source.goals.all())
    return target


def test_preview_queries_do_not_grow_with_the_rows(db, buero_user):
    small = generate_demo(measures=10, slug="klein")
    large = generate_demo(measures=60, slug="gross")
    small_data = export_catalogue(small, "csv", include_internal=True)
    large_data = export_catalogue(large, "csv", include_internal=True)

    small_queries = _queries(small_data, _empty_copy(small, "ziel-klein"), buero_user, dry_run=True)
    large_queries = _queries(large_data, _empty_copy(large, "ziel-gross"), buero_user, dry_run=True)

    assert len(large_queries) == len(small_queries) <= 12
    # Re-importing unchanged rows into their own concept: constant too.
    assert len(_queries(large_data, large, buero_user, dry_run=True)) == len(
        _queries(small_data, small, buero_user, dry_run=True)
    )


def test_confirm_looks_up_units_goals_and_fields_once(db, buero_user):
    demo = generate_demo(measures=40, slug="demo")
    data = export_catalogue(demo, "csv", include_internal=True)

    queries = _queries(data, _empty_copy(demo, "ziel"), buero_user, dry_run=False)

    assert len(_lookups(queries)) == len(LOOKUP_TABLES)


def test_export_reads_the_measures_and_their_relations_only(db):
    small = generate_demo(measures=10, slug="klein")
    large = generate_demo(measures=60, slug="gross")

    def export_queries(concept):
        with CaptureQueriesContext(connection) as context:
            export_catalogue(concept, "csv", include_internal=True)
        return [query["sql"] for query in context.captured_queries]

    queries = export_queries(large)
    assert len(queries) == len(export_queries(small))
    # The library's count, the measures with their field of action, then goals, responsibilities
    # and units prefetched; no lookup of all fields, goals and units of the concept beforehand.
    assert len(queries) == 5
    assert not any(re.match(r'^SELECT [^;]*? FROM "measures_fieldofaction"', sql) for sql in queries)


def test_the_blank_template_reads_only_the_allowed_values(db, django_assert_num_queries):
    # Fields of action, goals (none without a concept), the names of the units and the breakdown groups.
    with django_assert_num_queries(4):
        blank_template("xlsx")


def test_goals_taken_off_several_measures_are_deleted_in_one_query(measure, goal, goal_2, buero_user):
    second = Measure.objects.create(
        concept=measure.concept, field_of_action=measure.field_of_action, code="1.2", title="Zweite"
    )
    measure.goals.set([goal, goal_2])
    second.goals.set([goal, goal_2])
    rows = [["Nr.", "Titel", "Handlungsfeld", "Ziele"], ["1.1", "Testmaßnahme", "1", "2"], ["1.2", "Zweite", "1", ""]]

    queries = _queries(csv_file(rows), measure.concept, buero_user, dry_run=False)

    deletes = [sql for sql in queries if sql.startswith('DELETE FROM "measures_measure_goals"')]
    assert len(deletes) == 1
    assert list(measure.goals.all()) == [goal_2]
    assert not second.goals.exists()
