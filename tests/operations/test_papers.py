"""The papers a public-sector project ships: publiccode.yml against the standard's mandatory keys,
the licence text, the security policy and the release notes."""

import re
from datetime import date

import yaml

from tests.operations.conftest import ROOT

PUBLICCODE = ROOT / "publiccode.yml"
# Controlled values of the publiccode.yml standard (docs/standard/schema.core.rst, categories-list.rst,
# scope-list.rst of the standard's repository).
PLATFORMS = {"web", "windows", "mac", "linux", "ios", "android"}
DEVELOPMENT_STATUS = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPES = {
    "standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web", "standalone/backend",
    "standalone/other", "addon", "library", "configurationFiles",
}  # fmt: skip
MAINTENANCE_TYPES = {"internal", "contract", "community", "none"}
CATEGORIES = {
    "accounting", "agile-project-management", "applicant-tracking", "application-development",
    "appointment-scheduling", "backup", "billing-and-invoicing", "blog", "budgeting", "business-intelligence",
    "business-process-management", "cad", "call-center-management", "cloud-management", "collaboration",
    "communications", "compliance-management", "contact-management", "content-management", "crm",
    "customer-service-and-support", "data-analytics", "data-collection", "data-visualization", "design",
    "design-system", "digital-asset-management", "digital-citizenship", "document-management",
    "donor-management", "e-commerce", "e-signature", "educational-content", "email-management",
    "email-marketing", "employee-management", "enterprise-project-management", "enterprise-social-networking",
    "erp", "event-management", "facility-management", "feedback-and-reviews-management", "financial-reporting",
    "fleet-management", "fundraising", "gamification", "geographic-information-systems", "grant-management",
    "graphic-design", "help-desk", "hr", "ide", "identity-management", "instant-messaging", "inventory-management",
    "it-asset-management", "it-development", "it-management", "it-security", "it-service-management",
    "knowledge-management", "learning-management-system", "marketing", "mind-mapping", "mobile-marketing",
    "mobile-payment", "network-management", "office", "online-booking", "online-community", "payment-gateway",
    "payroll", "predictive-analysis", "procurement", "productivity-suite", "project-collaboration",
    "project-management", "property-management", "real-estate-management", "remote-support",
    "resource-management", "sales-management", "seo", "service-desk", "social-media-management", "survey",
    "talent-management", "task-management", "taxes-management", "test-management", "time-management",
    "time-tracking", "translation", "video-conferencing", "video-editing", "visitor-management", "voip",
    "warehouse-management", "web-collaboration", "web-conferencing", "website-builder", "whistleblowing",
    "workflow-management",
}  # fmt: skip
SCOPES = {
    "agriculture", "culture", "defence", "education", "emergency-services", "employment", "energy", "environment",
    "finance-and-economic-development", "foreign-affairs", "healthcare", "infrastructures", "justice",
    "local-authorities", "manufacturing", "research", "science-and-technology", "security", "society", "sport",
    "tourism", "transportation", "welfare",
}  # fmt: skip


def publiccode_errors(document: dict) -> list[str]:
    """What the standard's mandatory keys and controlled values find wrong with ``document``."""
    errors = []

    def need(condition, message):
        if not condition:
            errors.append(message)

    for key in ("publiccodeYmlVersion", "name", "url", "platforms", "categories", "developmentStatus",
                "softwareType", "description", "legal", "maintenance", "localisation"):  # fmt: skip
        need(key in document, f"{key} fehlt")
    if errors:
        return errors
    need(isinstance(document["publiccodeYmlVersion"], str), "publiccodeYmlVersion ist kein Text")
    need(re.match(r"^https?://\S+$", document["url"]), "url ist keine Adresse")
    platforms = document["platforms"] if isinstance(document["platforms"], list) else [document["platforms"]]
    need(set(platforms) <= PLATFORMS, f"platforms: {platforms}")
    need(document["categories"] and set(document["categories"]) <= CATEGORIES, "categories")
    need(set(document.get("intendedAudience", {}).get("scope", [])) <= SCOPES, "intendedAudience/scope")
    need(document["developmentStatus"] in DEVELOPMENT_STATUS, "developmentStatus")
    need(document["softwareType"] in SOFTWARE_TYPES, "softwareType")
    descriptions = document["description"]
    need(descriptions, "description braucht mindestens eine Sprache")
    for language, text in descriptions.items():
        short = text.get("shortDescription", "")
        need(0 < len(short) <= 150, f"description/{language}/shortDescription: 1 bis 150 Zeichen")
        long = text.get("longDescription", "")
        need(150 <= len(long) <= 10000, f"description/{language}/longDescription: 150 bis 10000 Zeichen")
        need(text.get("features"), f"description/{language}/features")
    need(re.fullmatch(r"[A-Za-z0-9.+-]+( (AND|OR) [A-Za-z0-9.+-]+)*", document["legal"].get("license", "")), "legal")
    maintenance = document["maintenance"]
    need(maintenance.get("type") in MAINTENANCE_TYPES, "maintenance/type")
    if maintenance.get("type") in ("internal", "community"):
        contacts = maintenance.get("contacts") or []
        need(contacts and all(contact.get("name") for contact in contacts), "maintenance/contacts")
    if maintenance.get("type") == "contract":
        contractors = maintenance.get("contractors") or []
        need(contractors and all(isinstance(c.get("until"), date) for c in contractors), "maintenance/contractors")
    localisation = document["localisation"]
    need(isinstance(localisation.get("localisationReady"), bool), "localisation/localisationReady")
    need(localisation.get("availableLanguages"), "localisation/availableLanguages")
    for dependencies in document.get("dependsOn", {}).values():
        need(all(dependency.get("name") for dependency in dependencies), "dependsOn: name")
    return errors


def test_publiccode_yml_has_every_mandatory_key_of_the_standard():
    document = yaml.safe_load(PUBLICCODE.read_text(encoding="utf-8"))
    assert publiccode_errors(document) == []
    assert set(document["description"]) == {"de", "en"}
    assert document["localisation"]["availableLanguages"] == ["de", "en"]
    assert document["maintenance"]["contacts"][0]["email"] == "chancengleichheit@rathaus.potsdam.de"


def test_the_check_finds_what_is_missing():
    """The counterpart: a file without licence, with a too long short text and an unknown status fails."""
    document = yaml.safe_load(PUBLICCODE.read_text(encoding="utf-8"))
    del document["legal"]["license"]
    document["description"]["de"]["shortDescription"] = "x" * 151
    document["developmentStatus"] = "fertig"
    del document["localisation"]
    assert publiccode_errors(document) == ["localisation fehlt"]
    document["localisation"] = {"localisationReady": True, "availableLanguages": ["de"]}
    assert set(publiccode_errors(document)) == {
        "developmentStatus",
        "description/de/shortDescription: 1 bis 150 Zeichen",
        "legal",
    }


def test_licence_file_and_every_declaration_say_eupl_1_2():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    assert "15.Applicable Law" in text and "Appendix" in text
    assert yaml.safe_load(PUBLICCODE.read_text(encoding="utf-8"))["legal"]["license"] == "EUPL-1.2"
    assert 'license = "EUPL-1.2"' in (ROOT / "pyproject.toml").read_text()


def test_security_policy_and_release_notes_exist_in_german():
    security = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert "chancengleichheit@rathaus.potsdam.de" in security
    assert "Unterstützte Versionen" in security
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## Unveröffentlicht" in changelog and "## 0.1.0" in changelog
