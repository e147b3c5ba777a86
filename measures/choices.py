"""The status vocabulary: each choice with its German label and one-sentence definition.

The definitions live here once; the admin's help texts and the public legend both read
them through ``definition``.
"""

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NO_REPORT = "keine_meldung", _("noch keine Meldung")
    NOT_STARTED = "nicht_begonnen", _("nicht begonnen")
    PREPARATION = "in_vorbereitung", _("in Vorbereitung")
    IN_PROGRESS = "in_umsetzung", _("in Umsetzung")
    DONE = "umgesetzt", _("umgesetzt")
    PERMANENT = "verstetigt", _("verstetigt")
    POSTPONED = "zurueckgestellt", _("zurückgestellt")
    DROPPED = "entfallen", _("entfallen")

    @property
    def definition(self):
        return STATUS_DEFINITIONS[self]

    @property
    def requires_reason(self) -> bool:
        return self in (Status.POSTPONED, Status.DROPPED)


# A status update reports a status; "no report yet" is only ever the absence of one.
REPORTED_STATUS_CHOICES = [(value, label) for value, label in Status.choices if value != Status.NO_REPORT]

STATUS_DEFINITIONS = {
    Status.NO_REPORT: _(
        "Für diese Maßnahme liegt noch keine veröffentlichte Sachstandsmeldung vor; "
        "über ihren Stand ist daher nichts bekannt."
    ),
    Status.NOT_STARTED: _("Die verantwortliche Stelle hat gemeldet, dass die Arbeit noch nicht begonnen hat."),
    Status.PREPARATION: _(
        "Die Umsetzung wird geplant oder vorbereitet, etwa durch Konzeption, Abstimmung oder Mittelbeantragung."
    ),
    Status.IN_PROGRESS: _("Die Maßnahme wird durchgeführt."),
    Status.DONE: _("Die Maßnahme ist abgeschlossen und ihr Ziel erreicht."),
    Status.PERMANENT: _("Die Maßnahme ist umgesetzt und wird als dauerhafte Aufgabe fortgeführt."),
    Status.POSTPONED: _(
        "Die Umsetzung ruht vorerst; die Begründung nennt den Grund und, wenn bekannt, wann es weitergeht."
    ),
    Status.DROPPED: _(
        "Die Maßnahme wird nicht umgesetzt oder wurde ersetzt; die Begründung nennt den Grund und gegebenenfalls "
        "die ersetzende Maßnahme."
    ),
}


class Ampel(models.TextChoices):
    """The on-track signal, kept apart from the implementation status."""

    UNSPECIFIED = "keine_angabe", _("keine Angabe")
    ON_TRACK = "im_plan", _("im Plan")
    AT_RISK = "gefaehrdet", _("gefährdet")
    DELAYED = "verzoegert", _("verzögert")

    @property
    def definition(self):
        return AMPEL_DEFINITIONS[self]


AMPEL_DEFINITIONS = {
    Ampel.UNSPECIFIED: _("Zum Zeitplan wurde keine Einschätzung gemeldet."),
    Ampel.ON_TRACK: _("Die Maßnahme liegt im geplanten Zeit- und Kostenrahmen."),
    Ampel.AT_RISK: _("Es gibt Risiken, die den Zeitplan oder das Ziel gefährden können."),
    Ampel.DELAYED: _("Die Maßnahme ist verzögert; es besteht Handlungsbedarf."),
}


class FundingStatus(models.TextChoices):
    UNKNOWN = "unbekannt", _("unbekannt")
    SECURED = "gesichert", _("gesichert")
    APPLIED = "beantragt", _("beantragt")
    OPEN = "offen", _("offen")
    NO_COST = "keine_kosten", _("ohne Kosten")


class UnitKind(models.TextChoices):
    ADMINISTRATION = "verwaltung", _("Stadtverwaltung")
    MUNICIPAL_COMPANY = "kommunales_unternehmen", _("kommunales Unternehmen")
    WELFARE = "freier_traeger", _("Freier Träger")
    MSO = "mso", _("Migrantenselbstorganisation (MSO)")
    OTHER = "sonstige", _("sonstige")


class Role(models.TextChoices):
    LEAD = "federfuehrung", _("Federführung")
    PARTNER = "beteiligt", _("beteiligt")


class UpdateState(models.TextChoices):
    DRAFT = "entwurf", _("Entwurf")
    SUBMITTED = "eingereicht", _("eingereicht")
    PUBLISHED = "veroeffentlicht", _("veröffentlicht")
    RETURNED = "zurueckgegeben", _("zurückgegeben")


class OpenDataLicence(models.TextChoices):
    """Licences the Büro may choose for its open data, keyed as in the DCAT-AP.de licence
    vocabulary (https://www.dcat-ap.de/def/licenses/), so that portals recognise them."""

    DL_BY_DE_2_0 = "dl-by-de/2.0", _("Datenlizenz Deutschland – Namensnennung – Version 2.0")
    DL_ZERO_DE_2_0 = "dl-zero-de/2.0", _("Datenlizenz Deutschland – Zero – Version 2.0")
    CC_BY_4_0 = "cc-by/4.0", _("Creative Commons Namensnennung – 4.0 International (CC BY 4.0)")
    CC_ZERO = "cc-zero", _("Creative Commons Zero (CC0 1.0)")

    @property
    def uri(self) -> str:
        """The licence's identifier in the DCAT-AP.de vocabulary."""
        return f"http://dcat-ap.de/def/licenses/{self.value}"

    @property
    def text_url(self) -> str:
        """Where a person reads the licence."""
        return LICENCE_TEXT_URLS[self]

    @property
    def spdx(self) -> str:
        """The licence's SPDX identifier, as Data Packages (Frictionless) name licences."""
        return LICENCE_SPDX_IDS[self]


LICENCE_TEXT_URLS = {
    OpenDataLicence.DL_BY_DE_2_0: "https://www.govdata.de/dl-de/by-2-0",
    OpenDataLicence.DL_ZERO_DE_2_0: "https://www.govdata.de/dl-de/zero-2-0",
    OpenDataLicence.CC_BY_4_0: "https://creativecommons.org/licenses/by/4.0/deed.de",
    OpenDataLicence.CC_ZERO: "https://creativecommons.org/publicdomain/zero/1.0/deed.de",
}


LICENCE_SPDX_IDS = {
    OpenDataLicence.DL_BY_DE_2_0: "DL-DE-BY-2.0",
    OpenDataLicence.DL_ZERO_DE_2_0: "DL-DE-ZERO-2.0",
    OpenDataLicence.CC_BY_4_0: "CC-BY-4.0",
    OpenDataLicence.CC_ZERO: "CC0-1.0",
}


def _definitions_help(choices, definitions) -> str:
    return " ".join(f"„{choice.label}“: {definitions[choice]}" for choice in choices)


status_help_text = lazy(lambda: _definitions_help(Status, STATUS_DEFINITIONS), str)()
ampel_help_text = lazy(lambda: _definitions_help(Ampel, AMPEL_DEFINITIONS), str)()


# Symbols that accompany every status and Ampel label, so that no meaning hangs on colour.
STATUS_ICONS = {
    Status.NO_REPORT: "?",
    Status.NOT_STARTED: "○",
    Status.PREPARATION: "◔",
    Status.IN_PROGRESS: "◑",
    Status.DONE: "●",
    Status.PERMANENT: "◉",
    Status.POSTPONED: "‖",
    Status.DROPPED: "✕",
}
AMPEL_ICONS = {
    Ampel.UNSPECIFIED: "–",
    Ampel.ON_TRACK: "✓",
    Ampel.AT_RISK: "!",
    Ampel.DELAYED: "✕",
}


# Statuses in the order a measure normally passes through them; "zurückgestellt" and "entfallen"
# stand outside this order.
STATUS_SEQUENCE = [Status.NOT_STARTED, Status.PREPARATION, Status.IN_PROGRESS, Status.DONE, Status.PERMANENT]


def combination_problems(status, ampel, progress) -> list[str]:
    """Why a report's status, Ampel and progress contradict each other (empty if they fit).

    Not a validation rule (a unit may have reasons); the review page shows these to the Büro,
    and the demonstration data never has any.
    """
    problems = []
    finished = status in (Status.DONE, Status.PERMANENT)
    if finished and ampel in (Ampel.AT_RISK, Ampel.DELAYED):
        problems.append(
            _("„%(status)s“ mit der Ampel „%(ampel)s“: Eine umgesetzte Maßnahme ist weder gefährdet noch verzögert.")
            % {"status": Status(status).label, "ampel": Ampel(ampel).label}
        )
    if finished and progress is not None and progress != 100:
        problems.append(
            _("„%(status)s“ mit %(progress)s %% Fortschritt: Eine umgesetzte Maßnahme steht bei 100 %%.")
            % {"status": Status(status).label, "progress": progress}
        )
    if not finished and progress == 100 and status not in (Status.POSTPONED, Status.DROPPED):
        problems.append(
            _("100 %% Fortschritt, aber „%(status)s“: Ist die Maßnahme umgesetzt?") % {"status": Status(status).label}
        )
    if status == Status.NOT_STARTED and progress:
        problems.append(_("„nicht begonnen“ mit %(progress)s %% Fortschritt.") % {"progress": progress})
    if status == Status.DROPPED and ampel != Ampel.UNSPECIFIED:
        problems.append(
            _("„entfallen“ mit der Ampel „%(ampel)s“: Für eine entfallene Maßnahme gibt es keinen Zeitplan mehr.")
            % {"ampel": Ampel(ampel).label}
        )
    if status == Status.POSTPONED and ampel == Ampel.ON_TRACK:
        problems.append(_("„zurückgestellt“ mit der Ampel „im Plan“: Eine ruhende Maßnahme liegt nicht im Plan."))
    return problems


class Direction(models.TextChoices):
    """Which way an indicator should move."""

    HIGHER = "hoeher", _("höher ist besser")
    LOWER = "niedriger", _("niedriger ist besser")


class Frequency(models.TextChoices):
    """How often an indicator is measured."""

    MONTHLY = "monatlich", _("monatlich")
    QUARTERLY = "vierteljaehrlich", _("vierteljährlich")
    HALF_YEARLY = "halbjaehrlich", _("halbjährlich")
    YEARLY = "jaehrlich", _("jährlich")
    BIENNIAL = "zweijaehrlich", _("alle zwei Jahre")
    IRREGULAR = "unregelmaessig", _("unregelmäßig")


class OnTrack(models.TextChoices):
    """Whether an indicator's latest value is on the planned path; computed, never typed."""

    NO_VALUE = "kein_wert", _("noch kein Wert")
    NOT_ASSESSABLE = "nicht_bewertbar", _("nicht bewertbar")
    ON_TRACK = "im_plan", _("im Plan")
    OFF_TRACK = "hinter_plan", _("hinter dem Plan")

    @property
    def definition(self):
        return ON_TRACK_DEFINITIONS[self]


ON_TRACK_DEFINITIONS = {
    OnTrack.NO_VALUE: _(
        "Für diesen Indikator ist noch kein Wert veröffentlicht; über seine Entwicklung ist nichts bekannt."
    ),
    OnTrack.NOT_ASSESSABLE: _(
        "Es fehlt ein Ausgangswert oder ein Zielwert; ohne sie gibt es keinen Planpfad zum Vergleich."
    ),
    OnTrack.ON_TRACK: _(
        "Der neueste Wert liegt auf oder vor dem geraden Pfad vom Ausgangswert zum nächsten Zielwert "
        "(in der gewünschten Richtung)."
    ),
    OnTrack.OFF_TRACK: _("Der neueste Wert liegt hinter dem geraden Pfad vom Ausgangswert zum nächsten Zielwert."),
}
ON_TRACK_ICONS = {
    OnTrack.NO_VALUE: "?",
    OnTrack.NOT_ASSESSABLE: "–",
    OnTrack.ON_TRACK: "✓",
    OnTrack.OFF_TRACK: "✕",
}


class Currency(models.TextChoices):
    """How current a measure's status is (see measures/currency.py for the rule)."""

    CURRENT = "aktuell", _("aktuell")
    OLDER = "aelter", _("älter")
    STALE = "veraltet", _("veraltet")
    NO_REPORT = "keine_meldung", _("noch keine Meldung")

    @property
    def definition(self):
        return CURRENCY_DEFINITIONS[self]


CURRENCY_DEFINITIONS = {
    Currency.CURRENT: _("Der Stand wurde in der laufenden oder der letzten Berichtsrunde gemeldet."),
    Currency.OLDER: _("Der Stand stammt aus einer früheren Berichtsrunde."),
    Currency.STALE: _("Seit längerer Zeit, als das Büro festgelegt hat, liegt keine neue Meldung vor."),
    Currency.NO_REPORT: _("Für diese Maßnahme liegt noch keine veröffentlichte Sachstandsmeldung vor."),
}
CURRENCY_ICONS = {
    Currency.CURRENT: "●",
    Currency.OLDER: "◐",
    Currency.STALE: "○",
    Currency.NO_REPORT: "?",
}
