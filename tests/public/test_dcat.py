"""The DCAT-AP.de catalogue (/dcat/catalog.ttl, .jsonld, .rdf) as a portal's harvester reads it:
valid against shapes for the specification's mandatory properties, only published concepts, every
link answering."""

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from measures.choices import OpenDataLicence
from measures.models import Concept, Measure
from measures.public import dcat

pytestmark = pytest.mark.django_db

# Module attributes that are rdflib's closed namespaces make pytest's collection warn; plain names.
DCAT, DCTERMS, FOAF = (Namespace(str(namespace)) for namespace in (dcat.DCAT, dcat.DCTERMS, dcat.FOAF))
SHAPES = Graph().parse(Path(__file__).parent / "shapes" / "dcat-ap-de-3.0.ttl")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
SITE = "https://umsetzungsmonitor.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def harvest(client, fmt="ttl") -> Graph:
    """What a harvester gets: the catalogue at its public address, parsed."""
    response = client.get(f"/dcat/catalog.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == dcat.FORMATS[fmt][1]
    return Graph().parse(data=response.content, format=dcat.FORMATS[fmt][0].replace("pretty-", ""))


def conforms(graph: Graph) -> tuple[bool, str]:
    ok, _report_graph, report = validate(graph, shacl_graph=SHAPES, inference="none")
    return ok, report


def dataset_of(graph: Graph, concept) -> URIRef:
    return URIRef(f"{SITE}/dcat/catalog#{concept.slug}")


def test_anonymous_harvester_gets_a_catalogue_that_meets_the_shapes(client, measure):
    graph = harvest(client)
    ok, report = conforms(graph)
    assert ok, report

    catalogue = URIRef(f"{SITE}/dcat/catalog")
    dataset = dataset_of(graph, measure.concept)
    assert (catalogue, RDF.type, DCAT.Catalog) in graph
    assert (catalogue, DCAT.dataset, dataset) in graph
    assert (dataset, DCTERMS.title, Literal("Testkonzept: Maßnahmen und Umsetzungsstand", lang="de")) in graph
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert str(graph.value(publisher, FOAF.name)) == "Landeshauptstadt Potsdam, Büro für Chancengleichheit und Vielfalt"
    contact = graph.value(dataset, DCAT.contactPoint)
    assert URIRef("mailto:chancengleichheit@rathaus.potsdam.de") in set(graph.objects(contact, None))
    assert graph.value(dataset, DCATDE.politicalGeocodingURI) == URIRef(
        "http://dcat-ap.de/def/politicalGeocoding/regionalKey/120540000000"
    )
    assert graph.value(dataset, DCATDE.politicalGeocodingLevelURI) == URIRef(
        "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
    )
    assert set(graph.objects(dataset, DCAT.theme)) == set(dcat.THEMES)
    updated_at = Measure.objects.get(pk=measure.pk).updated_at.replace(microsecond=0)
    assert graph.value(dataset, DCTERMS.modified).toPython() == updated_at

    distributions = set(graph.objects(dataset, DCAT.distribution))
    access = {str(graph.value(node, DCAT.accessURL)) for node in distributions}
    assert {f"{SITE}/testkonzept/massnahmen.{fmt}" for fmt in ("csv", "xlsx", "json")} <= access
    for node in distributions:
        assert graph.value(node, DCTERMS.license) == URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
        assert graph.value(node, DCATDE.licenseAttributionByText) is not None


def test_the_shapes_refuse_a_catalogue_without_a_mandatory_property(client, measure):
    """The counterpart: the same catalogue loses the dataset's publisher and a distribution's licence."""
    graph = harvest(client)
    dataset = dataset_of(graph, measure.concept)
    graph.remove((dataset, DCTERMS.publisher, None))
    a_distribution = next(graph.objects(dataset, DCAT.distribution))
    graph.remove((a_distribution, DCTERMS.license, None))
    ok, report = conforms(graph)
    assert not ok
    assert "dct:publisher" in report or str(DCTERMS.publisher) in report
    assert "dct:license" in report or str(DCTERMS.license) in report


def test_json_ld_and_rdf_xml_carry_the_same_catalogue(client, measure):
    turtle = harvest(client, "ttl")
    assert isomorphic(harvest(client, "jsonld"), turtle)
    assert isomorphic(harvest(client, "rdf"), turtle)


def test_every_distribution_link_answers_with_its_media_type(client, measure):
    graph = harvest(client)
    for node in graph.subjects(RDF.type, DCAT.Distribution):
        url = str(graph.value(node, DCAT.accessURL))
        assert url.startswith(SITE)
        response = client.get(url.removeprefix(SITE))
        assert response.status_code == 200, url
        media_type = str(graph.value(node, DCAT.mediaType)).rsplit("/media-types/", 1)[1]
        assert response["Content-Type"].startswith(media_type), url


def test_unpublished_and_demonstration_concepts_are_never_listed(client, measure):
    Concept.objects.create(title="Unveröffentlichtes Konzept", slug="entwurfskonzept", start_year=2025, end_year=2029)
    Concept.objects.create(
        title="Beispielkonzept", slug="beispielkonzept", start_year=2024, end_year=2028, published=True, is_demo=True
    )
    for fmt in dcat.FORMATS:
        body = client.get(f"/dcat/catalog.{fmt}").content.decode()
        assert "testkonzept" in body
        for hidden in ("entwurfskonzept", "Unveröffentlichtes Konzept", "beispielkonzept", "Beispielkonzept"):
            assert hidden not in body, (fmt, hidden)


def test_licence_is_the_one_the_buero_set_for_the_concept(client, measure):
    concept = measure.concept
    concept.open_data_licence = OpenDataLicence.CC_ZERO
    concept.save()
    graph = harvest(client)
    distributions = list(graph.objects(dataset_of(graph, measure.concept), DCAT.distribution))
    assert distributions
    for node in distributions:
        assert graph.value(node, DCTERMS.license) == URIRef("http://dcat-ap.de/def/licenses/cc-zero")
        assert graph.value(node, DCATDE.licenseAttributionByText) is None  # CC0 asks for no attribution
    assert conforms(graph)[0]


def test_concept_without_public_measures_is_listed_without_dates(client, concept):
    graph = harvest(client)
    dataset = dataset_of(graph, concept)
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    assert graph.value(dataset, DCTERMS.issued) is None
    assert conforms(graph)[0]


def test_open_data_page_tells_portals_where_to_harvest(client, concept):
    response = client.get("/offene-daten/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Harvesting-Quelle" in text
    for fmt in dcat.FORMATS:
        assert f'href="/dcat/catalog.{fmt}"' in text
