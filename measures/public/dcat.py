"""The open-data catalogue in DCAT-AP.de 3.0, for the harvesters of the state's portal and GovData.

One dcat:Dataset per published concept (demonstration concepts excepted: a portal must never
present invented data as the city's), its open-data files as distributions. Mandatory, recommended
and controlled-vocabulary properties follow the specification (GovData, "DCAT-AP.de 3.0",
spec/03_overview_table.md and spec/05_vocabularies.md); tests/public/test_dcat.py checks the result
with pyshacl against tests/public/shapes/dcat-ap-de-3.0.ttl.

The texts are metadata for machines and portals, written in German with the language tag "de",
the same under /en/; they are therefore not translated.
"""

from dataclasses import dataclass

from django.db.models import Max, Min
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from ..addresses import absolute
from ..choices import OpenDataLicence
from ..models import Concept, Measure
from .cache import public_page

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

EU = "http://publications.europa.eu/resource/authority/"
LANGUAGE_GERMAN = URIRef(EU + "language/DEU")
DATA_THEMES = URIRef(EU + "data-theme")
# Population and society; Government and public sector.
THEMES = (URIRef(EU + "data-theme/SOCI"), URIRef(EU + "data-theme/GOVE"))
AVAILABLE = URIRef(EU + "planned-availability/AVAILABLE")
IRREGULAR = URIRef(EU + "frequency/IRREG")
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")

# Landeshauptstadt Potsdam: Regionalschlüssel (ARS) 12 0 54 0000 000, a municipality.
POLITICAL_GEOCODING = URIRef("http://dcat-ap.de/def/politicalGeocoding/regionalKey/120540000000")
POLITICAL_GEOCODING_LEVEL = URIRef("http://dcat-ap.de/def/politicalGeocoding/Level/municipality")

# Publisher and contact point: the Büro (its public address, as in the concept's publication).
PUBLISHER_NAME = "Landeshauptstadt Potsdam, Büro für Chancengleichheit und Vielfalt"
CONTACT = {
    "name": "Büro für Chancengleichheit und Vielfalt",
    "email": "chancengleichheit@rathaus.potsdam.de",
    "street": "Friedrich-Ebert-Straße 79/81",
    "postal_code": "14469",
    "locality": "Potsdam",
    "country": "Deutschland",
}
# Licences that ask for attribution get this text (dcatde:licenseAttributionByText).
ATTRIBUTION = PUBLISHER_NAME
ATTRIBUTION_LICENCES = {OpenDataLicence.DL_BY_DE_2_0, OpenDataLicence.CC_BY_4_0}


@dataclass(frozen=True)
class Distribution:
    """One file of a concept's open data. Add a line to DISTRIBUTIONS for a new file."""

    key: str
    url_name: str  # reversed with the concept's slug (and ``url_args``)
    url_args: tuple
    file_type: str  # EU file-type vocabulary
    media_type: str  # IANA media type
    title: str
    description: str


_ALL_MEASURES = "Alle veröffentlichten Maßnahmen des Konzepts mit den Spalten, die die Seite „Offene Daten“ beschreibt"
DISTRIBUTIONS = (
    Distribution(
        "csv", "measure_export", ("csv",), "CSV", "text/csv", "Maßnahmen (CSV)", f"{_ALL_MEASURES}; UTF-8, Komma."
    ),
    Distribution(
        "xlsx",
        "measure_export",
        ("xlsx",),
        "XLSX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Maßnahmen (Excel)",
        f"{_ALL_MEASURES}; ein Tabellenblatt.",
    ),
    Distribution(
        "json", "measure_export", ("json",), "JSON", "application/json", "Maßnahmen (JSON)", f"{_ALL_MEASURES}."
    ),
    Distribution(
        "semikolon.csv",
        "measure_export",
        ("semikolon.csv",),
        "CSV",
        "text/csv",
        "Maßnahmen (CSV mit Semikolon)",
        f"{_ALL_MEASURES}; UTF-8, Semikolon, für das deutsche Excel.",
    ),
    # The description of the files above: columns, types, licence.
    Distribution(
        "schema",
        "data_package",
        (),
        "JSON",
        "application/json",
        "Beschreibung der Dateien (Frictionless Data Package mit Table Schema)",
        "Spalten, Datentypen und Lizenz der Dateien, damit Werkzeuge etwa die Nummer als Text lesen.",
    ),
)


def catalogue_concepts():
    """The concepts the catalogue lists: published, and no demonstration."""
    return Concept.objects.published().filter(is_demo=False).order_by("-start_year", "title")


def _distribution_urls(concept) -> list[tuple[Distribution, str]]:
    found = []
    for distribution in DISTRIBUTIONS:
        try:
            path = reverse(distribution.url_name, args=[concept.slug, *distribution.url_args])
        except NoReverseMatch:
            continue
        found.append((distribution, absolute(path)))
    return found


def _dates(concepts) -> dict:
    """Per concept: when its first public measure was created and when one last changed."""
    rows = (
        Measure.objects.published()
        .filter(concept__in=concepts)
        .values("concept")
        .annotate(issued=Min("created_at"), modified=Max("updated_at"))
    )
    return {row["concept"]: row for row in rows}


def _datetime(value) -> Literal:
    return Literal(value.isoformat(timespec="seconds"), datatype=XSD.dateTime)


def _german(text: str) -> Literal:
    return Literal(text, lang="de")


def _publisher(graph: Graph) -> URIRef:
    publisher = URIRef(absolute("/dcat/catalog#herausgeber"))
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, _german(PUBLISHER_NAME)))
    graph.add((publisher, DCTERMS.type, LOCAL_AUTHORITY))
    return publisher


def _contact_point(graph: Graph) -> URIRef:
    contact = URIRef(absolute("/dcat/catalog#kontakt"))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, _german(CONTACT["name"])))
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{CONTACT['email']}")))
    address = BNode()
    graph.add((contact, VCARD.hasAddress, address))
    graph.add((address, RDF.type, VCARD.Address))
    graph.add((address, VCARD["street-address"], Literal(CONTACT["street"])))
    graph.add((address, VCARD["postal-code"], Literal(CONTACT["postal_code"])))
    graph.add((address, VCARD.locality, Literal(CONTACT["locality"])))
    graph.add((address, VCARD["country-name"], _german(CONTACT["country"])))
    return contact


def _description(concept) -> str:
    parts = [
        f"Die Maßnahmen des Konzepts „{concept.title}“ ({concept.start_year}–{concept.end_year}) mit "
        "Handlungsfeld, Zielen, verantwortlichen Stellen, Zeitrahmen, Budget und dem Umsetzungsstand aus den "
        "veröffentlichten Sachstandsmeldungen."
    ]
    if concept.council_file_number:
        parts.append(f"Beschluss der Stadtverordnetenversammlung, Drucksache {concept.council_file_number}.")
    if concept.summary:
        parts.append(concept.summary)
    return " ".join(parts)


def _dataset(graph, concept, dates, publisher, contact) -> URIRef:
    dataset = URIRef(absolute(f"/dcat/catalog#{concept.slug}"))
    licence = OpenDataLicence(concept.open_data_licence)
    add = graph.add
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    add((dataset, DCTERMS.title, _german(f"{concept.title}: Maßnahmen und Umsetzungsstand")))
    add((dataset, DCTERMS.description, _german(_description(concept))))
    add((dataset, DCTERMS.publisher, publisher))
    add((dataset, DCAT.contactPoint, contact))
    for keyword in ("Maßnahmen", "Umsetzungsstand", "Integration", "Chancengleichheit", "Vielfalt"):
        add((dataset, DCAT.keyword, _german(keyword)))
    for theme in THEMES:
        add((dataset, DCAT.theme, theme))
    add((dataset, DCATDE.politicalGeocodingURI, POLITICAL_GEOCODING))
    add((dataset, DCATDE.politicalGeocodingLevelURI, POLITICAL_GEOCODING_LEVEL))
    add((dataset, DCATDE.geocodingDescription, _german("Landeshauptstadt Potsdam")))
    add((dataset, DCATAP.availability, AVAILABLE))
    add((dataset, DCTERMS.language, LANGUAGE_GERMAN))
    add((dataset, DCTERMS.accrualPeriodicity, IRREGULAR))
    add((dataset, DCAT.landingPage, URIRef(absolute(reverse("dashboard", args=[concept.slug])))))
    add((dataset, FOAF.page, URIRef(absolute(reverse("open_data")))))
    period = BNode()
    add((dataset, DCTERMS.temporal, period))
    add((period, RDF.type, DCTERMS.PeriodOfTime))
    add((period, DCAT.startDate, Literal(f"{concept.start_year}-01-01", datatype=XSD.date)))
    add((period, DCAT.endDate, Literal(f"{concept.end_year}-12-31", datatype=XSD.date)))
    issued = modified = None
    if concept.pk in dates:
        issued, modified = dates[concept.pk]["issued"], dates[concept.pk]["modified"]
        add((dataset, DCTERMS.issued, _datetime(issued)))
        add((dataset, DCTERMS.modified, _datetime(modified)))

    for distribution, url in _distribution_urls(concept):
        node = URIRef(f"{dataset}-{distribution.key}")
        add((dataset, DCAT.distribution, node))
        add((node, RDF.type, DCAT.Distribution))
        add((node, DCTERMS.title, _german(distribution.title)))
        add((node, DCTERMS.description, _german(distribution.description)))
        add((node, DCAT.accessURL, URIRef(url)))
        add((node, DCAT.downloadURL, URIRef(url)))
        add((node, DCTERMS.format, URIRef(EU + "file-type/" + distribution.file_type)))
        add((node, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + distribution.media_type)))
        add((node, DCTERMS.license, URIRef(licence.uri)))
        if licence in ATTRIBUTION_LICENCES:
            add((node, DCATDE.licenseAttributionByText, _german(ATTRIBUTION)))
        add((node, DCATAP.availability, AVAILABLE))
        add((node, DCTERMS.language, LANGUAGE_GERMAN))
        add((node, FOAF.page, URIRef(absolute(reverse("open_data")))))
        if modified:
            add((node, DCTERMS.modified, _datetime(modified)))
    return dataset


def build_catalogue() -> Graph:
    graph = Graph()
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("dcatde", DCATDE),
        ("dcatap", DCATAP),
        ("xsd", XSD),
    ):
        graph.bind(prefix, namespace)
    concepts = list(catalogue_concepts())
    dates = _dates(concepts)
    catalogue = URIRef(absolute("/dcat/catalog"))
    publisher = _publisher(graph)
    contact = _contact_point(graph)
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, _german("Umsetzungsmonitor der Landeshauptstadt Potsdam: offene Daten")))
    graph.add(
        (
            catalogue,
            DCTERMS.description,
            _german(
                "Offene Daten des Umsetzungsmonitors: die Maßnahmen der Konzepte, die das Büro für "
                "Chancengleichheit und Vielfalt der Landeshauptstadt Potsdam verfolgt, mit ihrem Umsetzungsstand."
            ),
        )
    )
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, FOAF.homepage, URIRef(absolute("/"))))
    graph.add((catalogue, DCTERMS.language, LANGUAGE_GERMAN))
    graph.add((catalogue, DCAT.themeTaxonomy, DATA_THEMES))
    graph.add((catalogue, DCATAP.availability, AVAILABLE))
    if dates:
        graph.add((catalogue, DCTERMS.issued, _datetime(min(row["issued"] for row in dates.values()))))
        graph.add((catalogue, DCTERMS.modified, _datetime(max(row["modified"] for row in dates.values()))))
    for concept in concepts:
        graph.add((catalogue, DCAT.dataset, _dataset(graph, concept, dates, publisher, contact)))
    return graph


# Formats of /dcat/catalog.<format>: rdflib's serializer name and the media type.
FORMATS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("pretty-xml", "application/rdf+xml; charset=utf-8"),
}
JSON_LD_CONTEXT = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "vcard": str(VCARD),
    "dcatde": str(DCATDE),
    "dcatap": str(DCATAP),
    "xsd": str(XSD),
}


def serialise(graph: Graph, fmt: str) -> bytes:
    name, _media_type = FORMATS[fmt]
    options = {"context": JSON_LD_CONTEXT, "auto_compact": True} if fmt == "jsonld" else {}
    return graph.serialize(format=name, encoding="utf-8", **options)


@public_page
def catalogue_view(request, fmt):
    _name, media_type = FORMATS[fmt]
    return HttpResponse(serialise(build_catalogue(), fmt), content_type=media_type)
