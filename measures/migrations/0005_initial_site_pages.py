"""The four legal and help pages with a first German text, built only from known facts.

The Büro edits them in the admin afterwards; pages that already exist are left alone.
"""

from django.db import migrations

CONTACT = (
    "Büro für Chancengleichheit und Vielfalt\n"
    "Landeshauptstadt Potsdam\n"
    "Friedrich-Ebert-Straße 79/81\n"
    "14469 Potsdam\n"
    "E-Mail: chancengleichheit@rathaus.potsdam.de"
)

PAGES = {
    "impressum": (
        "Impressum",
        f"""## Herausgeberin
Landeshauptstadt Potsdam

## Verantwortlich für den Inhalt
{CONTACT}

## Inhalt dieser Website
Der Umsetzungsmonitor zeigt, wie weit die Maßnahmen des Integrationskonzepts der Landeshauptstadt Potsdam 2024–2028 „Migration prägt Potsdam“ (Drucksache 24/SVV/0093, beschlossen von der Stadtverordnetenversammlung am 15.05.2024) umgesetzt sind. Die Angaben zum Stand kommen von den verantwortlichen Stellen und werden vom Büro für Chancengleichheit und Vielfalt geprüft und veröffentlicht.

Das Konzept selbst steht unter www.potsdam.de/integrationskonzept zum Herunterladen bereit.

## Weitere Angaben
Weitere Pflichtangaben zur Landeshauptstadt Potsdam (Vertretung, Telefon) erhalten Sie bei der Stadtverwaltung über www.potsdam.de.""",
    ),
    "datenschutz": (
        "Datenschutzerklärung",
        f"""## Verantwortliche Stelle
{CONTACT}

## Datenschutzbeauftragte Person
Die Kontaktdaten der oder des behördlichen Datenschutzbeauftragten der Landeshauptstadt Potsdam erhalten Sie bei der Stadtverwaltung über www.potsdam.de.

## Öffentliche Seiten: keine Cookies, keine Dienste Dritter
Die öffentlichen Seiten dieser Website setzen keine Cookies. Sie laden nichts von anderen Anbietern: keine Schriftarten, keine Programmbibliotheken von fremden Servern, keine Analyse- oder Statistikdienste.

## Welche Daten beim Besuch verarbeitet werden und warum
Damit die Seiten ausgeliefert werden können, verarbeitet der Server technisch notwendige Angaben Ihres Aufrufs, etwa die IP-Adresse, den Zeitpunkt und die aufgerufene Adresse. Zweck ist allein die Auslieferung der Seiten und die Sicherheit des Betriebs. Rechtsgrundlage ist Artikel 6 Absatz 1 Buchstabe e der Datenschutz-Grundverordnung (DSGVO) in Verbindung mit dem Brandenburgischen Datenschutzgesetz (BbgDSG): Die Information der Öffentlichkeit über die Umsetzung des Integrationskonzepts ist eine Aufgabe der Stadt. Auskunft über die Speicherdauer dieser Angaben gibt die Stadtverwaltung.

## Anmeldung für Mitarbeitende
Nur für die Anmeldung von Mitarbeitenden zur Verwaltung der Inhalte werden technisch notwendige Cookies gesetzt (Sitzung und Schutz des Anmeldeformulars). Änderungen an Inhalten werden mit Person und Zeitpunkt protokolliert, damit nachvollziehbar bleibt, wer was veröffentlicht hat.

## Was veröffentlicht wird
Veröffentlicht werden Angaben zu Maßnahmen und die Namen der verantwortlichen Stellen, keine Namen oder Kontaktdaten einzelner Mitarbeitender.

## Ihre Rechte
Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16 DSGVO), Löschung (Art. 17 DSGVO), Einschränkung der Verarbeitung (Art. 18 DSGVO) und Widerspruch (Art. 21 DSGVO). Wenden Sie sich dazu an die verantwortliche Stelle oben.

## Beschwerde
Sie können sich bei der Aufsichtsbehörde beschweren: der Landesbeauftragten für den Datenschutz und für das Recht auf Akteneinsicht Brandenburg (LDA Brandenburg).""",
    ),
    "barrierefreiheit": (
        "Erklärung zur Barrierefreiheit",
        f"""## Geltungsbereich
Diese Erklärung gilt für den Umsetzungsmonitor zum Integrationskonzept der Landeshauptstadt Potsdam. Grundlage sind das Brandenburgische Behindertengleichstellungsgesetz (BbgBGG) und die Brandenburgische Barrierefreie-Informationstechnik-Verordnung (BbgBITV), die auf die europäische Norm EN 301 549 und die Web Content Accessibility Guidelines (WCAG) 2.1 in der Stufe AA verweisen.

## Wie barrierefrei ist die Website?
Die Seiten sollen die Anforderungen der WCAG 2.1 auf Stufe AA erfüllen. Alle Inhalte sind ohne JavaScript nutzbar und mit der Tastatur bedienbar. Diagramme haben immer eine Tabelle mit denselben Zahlen; der Umsetzungsstand wird mit Text und Symbol gezeigt, nie nur mit Farbe. Die Seiten werden bei jeder Änderung der Software automatisch mit dem Prüfwerkzeug axe-core in einem Browser geprüft.

## Bekannte Einschränkungen
Die englische Fassung der Seiten ist noch nicht vollständig übersetzt. Erklärungen in Deutscher Gebärdensprache (DGS) gibt es noch nicht. Eine Erklärung in Leichter Sprache finden Sie unter „Leichte Sprache“.

## Barrieren melden: Kontakt
Ist Ihnen eine Barriere aufgefallen, oder brauchen Sie Inhalte in einer anderen Form? Schreiben Sie uns:
{CONTACT}

## Durchsetzungsverfahren
Wenn Sie auf Ihre Meldung keine oder keine zufriedenstellende Antwort erhalten, können Sie sich an die Durchsetzungsstelle für digitale Barrierefreiheit des Landes Brandenburg wenden. Ihre Kontaktdaten erhalten Sie auch bei der Stadtverwaltung über www.potsdam.de.""",
    ),
    "leichte-sprache": (
        "Leichte Sprache",
        """## Was ist diese Internet-Seite?
Potsdam ist eine Stadt.
Viele Menschen in Potsdam kommen aus anderen Ländern.
Die Stadt will: Alle Menschen in Potsdam sollen gut zusammen leben.

Dafür hat die Stadt einen Plan gemacht.
Der Plan heißt: Integrations-Konzept.
In dem Plan stehen 50 Aufgaben.
Die Aufgaben heißen: Maßnahmen.

## Was steht auf dieser Internet-Seite?
Hier sehen Sie: Wie weit ist die Stadt mit jeder Aufgabe?
Zum Beispiel:
Die Arbeit hat noch nicht angefangen.
Oder: Die Arbeit läuft.
Oder: Die Aufgabe ist fertig.

Manchmal steht da: noch keine Meldung.
Das heißt: Wir wissen noch nicht, wie weit die Aufgabe ist.

## Wer macht die Internet-Seite?
Das Büro für Chancengleichheit und Vielfalt.
Das Büro gehört zur Stadt Potsdam.

## Haben Sie Fragen?
Dann schreiben Sie eine E-Mail an:
chancengleichheit@rathaus.potsdam.de

Oder schreiben Sie einen Brief an:
Büro für Chancengleichheit und Vielfalt
Friedrich-Ebert-Straße 79/81
14469 Potsdam""",
    ),
}


def create_pages(apps, schema_editor):
    SitePage = apps.get_model("measures", "SitePage")
    for kind, (title, body) in PAGES.items():
        SitePage.objects.get_or_create(kind=kind, defaults={"title": title, "body": body})


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0004_import_record"),
    ]

    operations = [
        # Reversing keeps the pages: they may carry the Büro's edits by then.
        migrations.RunPython(create_pages, migrations.RunPython.noop),
    ]
