import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import (
    REPORTED_STATUS_CHOICES,
    Ampel,
    Direction,
    Frequency,
    FundingStatus,
    OpenDataLicence,
    Role,
    Status,
    UnitKind,
    UpdateState,
    ampel_help_text,
    status_help_text,
)

_DIGITS = re.compile(r"(\d+)")


def natural_sort_key(code: str) -> str:
    """A string that sorts like the code read by a person: 1.2 before 1.10, A2 before A10.

    Digit runs are zero-padded so that a plain ORDER BY on the key gives natural order on
    every database.
    """
    return _DIGITS.sub(lambda match: match.group(1).zfill(8), code.strip().casefold())


def _is_free_top_level_path(slug: str) -> bool:
    """Whether /<slug>/ and /<slug> would reach a concept's dashboard rather than a fixed page."""
    for path in (f"/{slug}/", f"/{slug}"):
        try:
            if resolve(path).url_name != "dashboard":
                return False
        except Resolver404:
            continue
    return True


class ConceptQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class ConceptManager(models.Manager.from_queryset(ConceptQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Concept(models.Model):
    title = models.CharField(_("Titel"), max_length=200)
    official_title = models.CharField(_("amtlicher Titel"), max_length=300, blank=True)
    slug = models.SlugField(
        _("Kurzname in der Adresse"),
        max_length=80,
        unique=True,
        help_text=_("Teil der Internetadresse, z. B. „integrationskonzept-2024-2028“."),
    )
    start_year = models.PositiveSmallIntegerField(_("Laufzeit von (Jahr)"))
    end_year = models.PositiveSmallIntegerField(_("Laufzeit bis (Jahr)"))
    adopted_on = models.DateField(_("beschlossen am"), null=True, blank=True)
    council_file_number = models.CharField(
        _("Drucksachennummer"), max_length=40, blank=True, help_text=_("z. B. 24/SVV/0093")
    )
    document_url = models.URLField(_("Link zum Dokument"), blank=True)
    summary = models.TextField(_("Zusammenfassung"), blank=True)
    is_demo = models.BooleanField(
        _("Demonstrationsdaten"),
        default=False,
        help_text=_("Jede Seite dieses Konzepts wird deutlich als Demonstration gekennzeichnet."),
    )
    open_data_licence = models.CharField(
        _("Lizenz der offenen Daten"),
        max_length=40,
        choices=OpenDataLicence,
        default=OpenDataLicence.DL_BY_DE_2_0,
        help_text=_("Gilt für die Downloads dieses Konzepts (CSV, Excel, JSON) und steht in ihren Metadaten."),
    )
    published = models.BooleanField(_("veröffentlicht"), default=False)
    disclosure_minimum = models.PositiveSmallIntegerField(
        _("Mindestfallzahl für Aufschlüsselungen"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Werte einer Aufschlüsselung (z. B. nach Geschlecht), die auf weniger Fällen beruhen, erscheinen "
            "öffentlich nie, sondern als „< N“ oder gar nicht (statistische Geheimhaltung). Die Zahl legt das "
            "Büro fest, z. B. nach Absprache mit der Statistikstelle."
        ),
    )
    stale_after_days = models.PositiveSmallIntegerField(
        _("„veraltet“ nach (Tage ohne Meldung)"),
        default=365,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Liegt die letzte veröffentlichte Meldung einer Maßnahme länger zurück, gilt ihr Stand als veraltet."
        ),
    )

    objects = ConceptManager()
    history = HistoricalRecords(verbose_name=_("Konzept (Verlauf)"))

    class Meta:
        verbose_name = _("Konzept")
        verbose_name_plural = _("Konzepte")
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="measures_concept_period_ordered",
                violation_error_message=_("Das Endjahr darf nicht vor dem Anfangsjahr liegen."),
            ),
            models.CheckConstraint(
                condition=Q(disclosure_minimum__gte=1),
                name="measures_concept_disclosure_minimum_positive",
                violation_error_message=_("Die Mindestfallzahl ist mindestens 1."),
            ),
            models.CheckConstraint(
                condition=Q(stale_after_days__gte=1),
                name="measures_concept_stale_after_days_positive",
                violation_error_message=_("Die Frist für „veraltet“ ist mindestens ein Tag."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.start_year}–{self.end_year})"

    def clean(self):
        # A concept's slug is the first part of its public addresses; it must not shadow a
        # fixed page such as /stellen/, /anmelden/, /healthz or a language prefix like /en/.
        if self.slug and (self.slug in dict(settings.LANGUAGES) or not _is_free_top_level_path(self.slug)):
            raise ValidationError(
                {
                    "slug": _("„%(slug)s“ ist als Adresse schon vergeben. Bitte einen anderen Kurznamen wählen.")
                    % {"slug": self.slug}
                }
            )
        if self.pk and self.start_year:
            error = targets_before_start_error(IndicatorTarget.objects.filter(indicator__concept=self), self)
            if error:
                raise ValidationError({"start_year": error})

    def natural_key(self):
        return (self.slug,)


class ConceptPartManager(models.Manager):
    def get_by_natural_key(self, concept_slug, number):
        return self.get(concept__slug=concept_slug, number=number)


class FieldOfAction(models.Model):
    concept = models.ForeignKey(
        Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="fields_of_action"
    )
    number = models.PositiveSmallIntegerField(_("Nummer"))
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname in der Adresse"), max_length=80)
    description = models.TextField(_("Beschreibung"), blank=True)

    objects = ConceptPartManager()

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["concept", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["concept", "number"],
                name="measures_fieldofaction_unique_number",
                violation_error_message=_("Diese Nummer ist in diesem Konzept schon vergeben."),
            ),
            models.UniqueConstraint(
                fields=["concept", "slug"],
                name="measures_fieldofaction_unique_slug",
                violation_error_message=_("Dieser Kurzname ist in diesem Konzept schon vergeben."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="measures_fieldofaction_number_positive"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def natural_key(self):
        return (*self.concept.natural_key(), self.number)

    natural_key.dependencies = ["measures.concept"]


class Goal(models.Model):
    concept = models.ForeignKey(Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField(_("Nummer"))
    title = models.CharField(_("Titel"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)

    objects = ConceptPartManager()

    class Meta:
        verbose_name = _("Ziel")
        verbose_name_plural = _("Ziele")
        ordering = ["concept", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["concept", "number"],
                name="measures_goal_unique_number",
                violation_error_message=_("Diese Nummer ist in diesem Konzept schon vergeben."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="measures_goal_number_positive"),
        ]

    def __str__(self):
        return _("Ziel %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    def natural_key(self):
        return (*self.concept.natural_key(), self.number)

    natural_key.dependencies = ["measures.concept"]


class ResponsibleUnitQuerySet(models.QuerySet):
    def responsible_for(self, measures):
        """Units responsible (lead or partner) for any of ``measures``."""
        return self.filter(
            pk__in=MeasureResponsibility.objects.filter(measure__in=measures.values("pk")).values("unit_id")
        )

    def public(self):
        """Units responsible for at least one public measure; no other unit is listed publicly."""
        return self.responsible_for(Measure.objects.published())


class ResponsibleUnitManager(models.Manager.from_queryset(ResponsibleUnitQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class ResponsibleUnit(models.Model):
    name = models.CharField(_("Name"), max_length=200, unique=True)
    short_name = models.CharField(_("Kurzname"), max_length=60, blank=True)
    slug = models.SlugField(_("Kurzname in der Adresse"), max_length=80, unique=True)
    kind = models.CharField(_("Art"), max_length=30, choices=UnitKind, default=UnitKind.ADMINISTRATION)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordnete Stelle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Für die Hierarchie der Verwaltung: Geschäftsbereich > Fachbereich > Bereich."),
    )
    contact_email = models.EmailField(
        _("interne Kontaktadresse"), blank=True, help_text=_("Nur intern sichtbar, nie öffentlich.")
    )
    website = models.URLField(_("öffentliche Website"), blank=True)

    objects = ResponsibleUnitManager()
    history = HistoricalRecords(verbose_name=_("verantwortliche Stelle (Verlauf)"))

    class Meta:
        verbose_name = _("verantwortliche Stelle")
        verbose_name_plural = _("verantwortliche Stellen")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="measures_responsibleunit_not_own_parent"),
        ]

    def __str__(self):
        if self.short_name:
            return f"{self.name} ({self.short_name})"
        return self.name

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError(
                    {
                        "parent": _(
                            "Eine Stelle kann nicht sich selbst oder einer ihrer Unterstellen untergeordnet sein."
                        )
                    }
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class MeasureQuerySet(models.QuerySet):
    def published(self):
        """Measures the public may see: published, in a published concept."""
        return self.filter(published=True, concept__published=True)

    def with_leads(self):
        """Prefetch the lead units into ``measure.lead_responsibilities`` (a list, by unit name)."""
        return self.prefetch_related(
            models.Prefetch(
                "responsibilities",
                queryset=MeasureResponsibility.objects.filter(role=Role.LEAD).select_related("unit"),
                to_attr="lead_responsibilities",
            )
        )

    def for_changelist(self):
        return self.select_related("concept", "field_of_action").with_leads()

    def without_lead(self):
        return self.exclude(responsibilities__role=Role.LEAD)

    def status_counts(self) -> dict:
        """How many of these measures are in each status: ``{status: count}``."""
        return dict(self.order_by().values_list("status").annotate(n=models.Count("pk")))

    # Row-level permissions, written once: the staff pages, the admin and every export use these.
    def visible_to(self, user):
        """The Büro sees every measure; a reporter those where one of their units is lead or partner."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_buero:
            return self.all()
        if not user.is_reporter:
            return self.none()
        return self.filter(pk__in=MeasureResponsibility.objects.filter(unit__members=user).values("measure_id"))

    def editable_by(self, user):
        """Measures whose status the user may report. The catalogue itself is changed by the Büro in the admin."""
        return self.visible_to(user)


class MeasureManager(models.Manager.from_queryset(MeasureQuerySet)):
    def get_by_natural_key(self, concept_slug, code):
        return self.get(concept__slug=concept_slug, code=code)


class Measure(models.Model):
    concept = models.ForeignKey(Concept, verbose_name=_("Konzept"), on_delete=models.PROTECT, related_name="measures")
    field_of_action = models.ForeignKey(
        FieldOfAction, verbose_name=_("Handlungsfeld"), on_delete=models.PROTECT, related_name="measures"
    )
    goals = models.ManyToManyField(Goal, verbose_name=_("Ziele"), blank=True, related_name="measures")
    code = models.CharField(
        _("Nr."), max_length=20, help_text=_("Nummer der Maßnahme im Konzept, z. B. 1.2. Eindeutig je Konzept.")
    )
    sort_key = models.CharField(max_length=120, editable=False, db_index=True)
    title = models.CharField(_("Titel"), max_length=300)
    provisional = models.BooleanField(
        _("vorläufiger Eintrag"),
        default=False,
        help_text=_("Titel und Nummer sind noch nicht die des amtlichen Maßnahmenkatalogs."),
    )
    summary = models.TextField(_("Kurzbeschreibung (öffentlich)"), blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    target = models.TextField(_("Ziel / Indikator (SMART)"), blank=True)
    target_groups = models.TextField(_("Zielgruppen"), blank=True)
    planned_start = models.DateField(_("geplanter Beginn"), null=True, blank=True)
    planned_end = models.DateField(_("geplantes Ende"), null=True, blank=True)
    ongoing = models.BooleanField(_("fortlaufend"), default=False, help_text=_("Daueraufgabe ohne geplantes Ende."))
    budget = models.DecimalField(
        _("Budget (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    funding_status = models.CharField(
        _("Finanzierung"), max_length=20, choices=FundingStatus, default=FundingStatus.UNKNOWN
    )

    # The current status is that of the latest published status update;
    # measures.services.measure_sync_current_status keeps these fields in step.
    status = models.CharField(
        _("Umsetzungsstand"), max_length=20, choices=Status, default=Status.NO_REPORT, help_text=status_help_text
    )
    ampel = models.CharField(
        _("Ampel"), max_length=20, choices=Ampel, default=Ampel.UNSPECIFIED, help_text=ampel_help_text
    )
    progress = models.PositiveSmallIntegerField(
        _("Fortschritt (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    status_justification = models.TextField(_("Begründung des Stands"), blank=True)
    status_date = models.DateField(_("Stand vom"), null=True, blank=True)

    internal_note = models.TextField(_("interne Notiz"), blank=True, help_text=_("Nie öffentlich sichtbar."))
    published = models.BooleanField(_("veröffentlicht"), default=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    objects = MeasureManager()
    history = HistoricalRecords(verbose_name=_("Maßnahme (Verlauf)"), m2m_fields=[goals])

    class Meta:
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["concept", "sort_key"]
        indexes = [
            # The public list: one concept's measures in natural order, a page at a time.
            models.Index(fields=["concept", "sort_key"], name="measures_measure_concept_sort"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["concept", "code"],
                name="measures_measure_unique_code",
                violation_error_message=_("Diese Nummer ist in diesem Konzept schon vergeben."),
            ),
            models.CheckConstraint(condition=~Q(code=""), name="measures_measure_code_not_empty"),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="measures_measure_progress_range",
                violation_error_message=_("Der Fortschritt liegt zwischen 0 und 100 %."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="measures_measure_budget_not_negative",
                violation_error_message=_("Das Budget darf nicht negativ sein."),
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="measures_measure_period_ordered",
                violation_error_message=_("Das geplante Ende darf nicht vor dem Beginn liegen."),
            ),
            models.CheckConstraint(
                condition=Q(ongoing=False) | Q(planned_end__isnull=True),
                name="measures_measure_ongoing_without_end",
                violation_error_message=_("Eine fortlaufende Maßnahme hat kein geplantes Ende."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        # The pre_save receiver below derives sort_key from code; keep them saved together.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "code" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The public detail page (shows only once the measure and its concept are published)."""
        return reverse("measure_detail", args=[self.concept.slug, self.code])

    def clean(self):
        errors = {}
        if self.field_of_action_id and self.concept_id and self.field_of_action.concept_id != self.concept_id:
            errors["field_of_action"] = _("Das Handlungsfeld gehört zu einem anderen Konzept.")
        if self.status in (Status.POSTPONED, Status.DROPPED) and not self.status_justification.strip():
            errors["status_justification"] = _(
                "Bei „zurückgestellt“ oder „entfallen“ ist eine Begründung erforderlich."
            )
        if errors:
            raise ValidationError(errors)

    def units_of_role(self, role, responsibilities=None) -> list:
        """The units responsible for this measure in ``role``, by name. Reads ``responsibilities``
        (e.g. a prefetched list) or the prefetched ``responsibilities.all()``."""
        if responsibilities is None:
            responsibilities = self.responsibilities.all()
        return sorted((r.unit for r in responsibilities if r.role == role), key=lambda unit: unit.name)

    @property
    def status_definition(self):
        return Status(self.status).definition

    @property
    def ampel_definition(self):
        return Ampel(self.ampel).definition

    def natural_key(self):
        return (*self.concept.natural_key(), self.code)

    natural_key.dependencies = ["measures.concept"]


@receiver(pre_save, sender=Measure)
def _derive_measure_sort_key(sender, instance, **kwargs):
    # A receiver rather than save(): fixtures (raw saves) must get the key too.
    instance.code = instance.code.strip()
    instance.sort_key = natural_sort_key(instance.code)


class MeasureResponsibilityQuerySet(models.QuerySet):
    def lead_first(self):
        """Lead units before partners, each by name (the model's ordering puts "beteiligt"
        before "federfuehrung", as it sorts by the stored value)."""
        lead = models.When(role=Role.LEAD, then=models.Value(0))
        return self.order_by(
            models.Case(lead, default=models.Value(1), output_field=models.IntegerField()), "unit__name"
        )


class MeasureResponsibility(models.Model):
    measure = models.ForeignKey(
        Measure, verbose_name=_("Maßnahme"), on_delete=models.CASCADE, related_name="responsibilities"
    )
    unit = models.ForeignKey(
        ResponsibleUnit, verbose_name=_("Stelle"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role, default=Role.LEAD)

    objects = MeasureResponsibilityQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("Zuständigkeit (Verlauf)"))

    class Meta:
        verbose_name = _("Zuständigkeit")
        verbose_name_plural = _("Zuständigkeiten")
        ordering = ["measure", "role", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "unit"],
                name="measures_measureresponsibility_unique_unit",
                violation_error_message=_("Diese Stelle ist für diese Maßnahme schon eingetragen."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} – {self.get_role_display()} ({self.measure.code})"


class StatusUpdateQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=UpdateState.PUBLISHED, measure__published=True, measure__concept__published=True)

    def latest_first(self):
        return self.order_by("-reporting_date", "-published_at", "-pk")

    def news(self, concept):
        """A concept's published updates, the most recently published first, as the dashboard,
        the news page and the feed list them (an update published today for an old reporting
        date is news today). The measure page lists its history by reporting date instead."""
        return (
            self.published()
            .filter(measure__concept=concept)
            .select_related("measure__concept")
            .order_by("-published_at", "-pk")
        )

    def visible_to(self, user):
        return self.filter(measure__in=Measure.objects.visible_to(user))

    def editable_by(self, user):
        """The updates ``user`` may change or delete: never a published one (see ``editable_states``)."""
        return self.visible_to(user).filter(state__in=editable_states(user))

    def for_round(self, report_round):
        """The reports that count for ``report_round``: those on its concept's measures whose „Stand vom“
        lies in the round's period (``ReportRound.period``), whenever they were written, in any state."""
        period = report_round.period
        updates = self.filter(measure__concept_id=report_round.concept_id, reporting_date__lte=period.until)
        if period.after is not None:
            updates = updates.filter(reporting_date__gt=period.after)
        return updates


def editable_states(user) -> tuple[str, ...]:
    """The states in which ``user`` may change an update they can see: reporters drafts and returned
    updates, the Büro also submitted ones (to correct them before publishing)."""
    if user.is_authenticated and user.is_buero:
        return (UpdateState.DRAFT, UpdateState.RETURNED, UpdateState.SUBMITTED)
    return (UpdateState.DRAFT, UpdateState.RETURNED)


def reporting_date_error(reporting_date, concept, *, today=None) -> str | None:
    """Why ``reporting_date`` cannot be the „Stand vom“ of a report on a measure of ``concept``,
    or None. One rule for the report form, the admin and the import: a report describes a day
    between the start of its concept and today, never the future (a report dated 2099 would
    stay the current status for ever) and never a time before the concept existed."""
    today = today or timezone.localdate()
    if reporting_date > today:
        return _("„Stand vom“ darf nicht in der Zukunft liegen (spätestens heute, %(today)s).") % {
            "today": today.strftime("%d.%m.%Y")
        }
    earliest = date(concept.start_year, 1, 1)
    if reporting_date < earliest:
        return _("„Stand vom“ darf nicht vor dem Beginn des Konzepts liegen (frühestens %(earliest)s).") % {
            "earliest": earliest.strftime("%d.%m.%Y")
        }
    return None


class StatusUpdate(models.Model):
    measure = models.ForeignKey(
        Measure, verbose_name=_("Maßnahme"), on_delete=models.CASCADE, related_name="status_updates"
    )
    reporting_date = models.DateField(_("Stand vom"))
    status = models.CharField(
        _("Umsetzungsstand"),
        max_length=20,
        choices=REPORTED_STATUS_CHOICES,
        default=Status.NOT_STARTED,
        help_text=status_help_text,
    )
    ampel = models.CharField(
        _("Ampel"), max_length=20, choices=Ampel, default=Ampel.UNSPECIFIED, help_text=ampel_help_text
    )
    progress = models.PositiveSmallIntegerField(
        _("Fortschritt (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    public_text = models.TextField(
        _("Sachstand (öffentlich)"),
        blank=True,
        help_text=_("Wird mit der Meldung veröffentlicht; bei „zurückgestellt“ oder „entfallen“ die Begründung."),
    )
    internal_note = models.TextField(_("interne Notiz"), blank=True, help_text=_("Nie öffentlich sichtbar."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verfasst von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authored_status_updates",
    )
    state = models.CharField(_("Bearbeitungsstand"), max_length=20, choices=UpdateState, default=UpdateState.DRAFT)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geprüft von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_status_updates",
    )
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    report_round = models.ForeignKey(
        "ReportRound",
        verbose_name=_("Berichtsrunde"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_updates",
    )
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    return_comment = models.TextField(
        _("Rückmeldung des Büros"),
        blank=True,
        help_text=_("Warum die Meldung zurückgegeben wurde; die berichtende Stelle sieht diesen Text."),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    objects = StatusUpdateQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("Sachstandsmeldung (Verlauf)"))

    class Meta:
        verbose_name = _("Sachstandsmeldung")
        verbose_name_plural = _("Sachstandsmeldungen")
        ordering = ["measure", "-reporting_date", "-published_at", "-pk"]
        # The news page and the feed: published updates, most recently published first.
        indexes = [models.Index(fields=["state", "-published_at"], name="measures_update_news")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="measures_statusupdate_progress_range",
                violation_error_message=_("Der Fortschritt liegt zwischen 0 und 100 %."),
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.NO_REPORT),
                name="measures_statusupdate_status_reported",
                violation_error_message=_("Eine Meldung muss einen Umsetzungsstand angeben."),
            ),
            models.CheckConstraint(
                condition=~Q(state=UpdateState.PUBLISHED) | Q(published_at__isnull=False),
                name="measures_statusupdate_published_has_date",
                violation_error_message=_("Eine veröffentlichte Meldung braucht ein Veröffentlichungsdatum."),
            ),
        ]

    def __str__(self):
        return _("%(code)s: %(status)s (Stand %(date)s)") % {
            "code": self.measure.code,
            "status": self.get_status_display(),
            "date": self.reporting_date.strftime("%d.%m.%Y"),
        }

    def clean(self):
        errors = {}
        if self.state != UpdateState.DRAFT and Status(self.status).requires_reason and not self.public_text.strip():
            errors["public_text"] = _(
                "Bei „zurückgestellt“ oder „entfallen“ ist eine öffentliche Begründung erforderlich."
            )
        if self.reporting_date and self.measure_id:
            error = reporting_date_error(self.reporting_date, self.measure.concept)
            if error:
                errors["reporting_date"] = error
        if errors:
            raise ValidationError(errors)


class SitePage(models.Model):
    """A page of the public site whose text the Büro maintains (Impressum, Datenschutz, …)."""

    class Kind(models.TextChoices):
        IMPRINT = "impressum", _("Impressum")
        PRIVACY = "datenschutz", _("Datenschutzerklärung")
        ACCESSIBILITY = "barrierefreiheit", _("Erklärung zur Barrierefreiheit")
        EASY_LANGUAGE = "leichte-sprache", _("Leichte Sprache")

    kind = models.CharField(_("Seite"), max_length=30, choices=Kind, unique=True)
    title = models.CharField(_("Überschrift"), max_length=200)
    body = models.TextField(
        _("Text"),
        help_text=_(
            "Reiner Text. Leerzeilen trennen Absätze; Zeilen, die mit „## “ beginnen, werden Zwischenüberschriften; "
            "Internet- und E-Mail-Adressen werden verlinkt."
        ),
    )
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("Seite (Verlauf)"))

    class Meta:
        verbose_name = _("Seite")
        verbose_name_plural = _("Seiten (Impressum, Datenschutz, …)")
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    def get_absolute_url(self):
        return reverse("site_page", args=[self.kind])

    def sections(self):
        """The body as blocks: ``("heading", text)`` or ``("paragraph", text)``."""
        blocks = []
        for block in re.split(r"\n\s*\n", self.body.replace("\r\n", "\n").strip()):
            if block.startswith("## "):
                heading, _sep, rest = block.partition("\n")
                blocks.append(("heading", heading[3:].strip()))
                if rest.strip():
                    blocks.append(("paragraph", rest.strip()))
            elif block:
                blocks.append(("paragraph", block))
        return blocks


class ReportRoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed=False)

    def covering(self, concept_id, day):
        """The round of the concept whose period holds ``day`` (the first cut-off date on or after it), or None."""
        return self.filter(concept_id=concept_id, cut_off_date__gte=day).order_by("cut_off_date").first()


@dataclass(frozen=True)
class RoundPeriod:
    """The „Stand vom“ dates whose reports count for a round: after ``after`` (the previous round's
    cut-off date; None for a concept's first round) up to and including ``until`` (its own cut-off date).

    The periods of a concept's rounds follow each other without gap or overlap, so every report
    counts for exactly one round: the first whose cut-off date is on or after its „Stand vom“.
    """

    after: date | None
    until: date

    def __contains__(self, day) -> bool:
        return (self.after is None or day > self.after) and day <= self.until

    @property
    def first_day(self) -> date | None:
        return None if self.after is None else self.after + timedelta(days=1)


class ReportRound(models.Model):
    """A Berichtsrunde: every responsible unit reports on its measures as of a cut-off date."""

    concept = models.ForeignKey(
        Concept, verbose_name=_("Konzept"), on_delete=models.PROTECT, related_name="report_rounds"
    )
    title = models.CharField(_("Titel"), max_length=200, help_text=_("z. B. „Sachstandsbericht 2025“"))
    cut_off_date = models.DateField(_("Stichtag"), help_text=_("Der Bericht zeigt den Stand an diesem Tag."))
    deadline = models.DateField(_("Meldefrist"), help_text=_("Bis zu diesem Tag sollen die Stellen melden."))
    closed = models.BooleanField(
        _("abgeschlossen"), default=False, help_text=_("Abgeschlossene Runden erinnern nicht mehr.")
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    objects = ReportRoundQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("Berichtsrunde (Verlauf)"))

    class Meta:
        verbose_name = _("Berichtsrunde")
        verbose_name_plural = _("Berichtsrunden")
        ordering = ["concept", "-cut_off_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["concept", "cut_off_date"],
                name="measures_reportround_unique_cut_off",
                violation_error_message=_("Für diesen Stichtag gibt es in diesem Konzept schon eine Berichtsrunde."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.concept.title})"

    def get_absolute_url(self):
        return reverse("staff:round_detail", args=[self.pk])

    def previous(self):
        return (
            ReportRound.objects.filter(concept_id=self.concept_id, cut_off_date__lt=self.cut_off_date)
            .order_by("-cut_off_date")
            .first()
        )

    @cached_property
    def period(self) -> RoundPeriod:
        """Which reports count for this round, by their „Stand vom“ (``StatusUpdate.objects.for_round``)."""
        previous = self.previous()
        return RoundPeriod(after=previous.cut_off_date if previous else None, until=self.cut_off_date)


class ReportArchive(models.Model):
    """The Sachstandsbericht of a round as the PDF it was when the round was closed.

    Kept in the database (not on one server's disk), so that every application server serves it and
    the database backup contains it; a PDF of a few hundred measures is well under a megabyte.
    """

    report_round = models.ForeignKey(
        ReportRound, verbose_name=_("Berichtsrunde"), on_delete=models.PROTECT, related_name="archived_reports"
    )
    created_at = models.DateTimeField(_("archiviert am"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archiviert von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file_name = models.CharField(_("Dateiname"), max_length=200)
    size = models.PositiveIntegerField(_("Größe (Bytes)"))
    sha256 = models.CharField(_("Prüfsumme (SHA-256)"), max_length=64)
    content = models.BinaryField(_("Inhalt"))

    class Meta:
        verbose_name = _("archivierter Sachstandsbericht")
        verbose_name_plural = _("archivierte Sachstandsberichte")
        ordering = ["report_round", "-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%d.%m.%Y %H:%M})" if self.created_at else self.file_name

    def get_absolute_url(self):
        return reverse("staff:round_archive", args=[self.report_round_id, self.pk])

    def set_content(self, content: bytes) -> None:
        self.content = content
        self.size = len(content)
        self.sha256 = hashlib.sha256(content).hexdigest()


class SentReminder(models.Model):
    """One reminder e-mail; the unique constraint keeps a reason from being sent twice on one day."""

    class Reason(models.TextChoices):
        MISSING = "fehlt", _("Meldung fehlt")
        RETURNED = "zurueckgegeben", _("Meldung zurückgegeben")

    report_round = models.ForeignKey(
        ReportRound, verbose_name=_("Berichtsrunde"), on_delete=models.CASCADE, related_name="sent_reminders"
    )
    unit = models.ForeignKey(
        ResponsibleUnit, verbose_name=_("Stelle"), on_delete=models.CASCADE, related_name="sent_reminders"
    )
    reason = models.CharField(_("Anlass"), max_length=20, choices=Reason)
    sent_on = models.DateField(_("gesendet am"))
    recipients = models.TextField(_("Empfänger"), blank=True)
    measure_codes = models.TextField(_("Maßnahmen"), blank=True)

    class Meta:
        verbose_name = _("versandte Erinnerung")
        verbose_name_plural = _("versandte Erinnerungen")
        ordering = ["-sent_on", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["report_round", "unit", "reason", "sent_on"], name="measures_sentreminder_once_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.report_round.title}: {self.unit} – {self.get_reason_display()} ({self.sent_on:%d.%m.%Y})"


class ImportRecord(models.Model):
    """One confirmed spreadsheet import: who brought which file into which concept."""

    concept = models.ForeignKey(Concept, verbose_name=_("Konzept"), on_delete=models.PROTECT, related_name="imports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importiert von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
    )
    created_at = models.DateTimeField(_("importiert am"), auto_now_add=True)
    file_name = models.CharField(_("Dateiname"), max_length=255)
    file_format = models.CharField(_("Format"), max_length=10)
    rows_total = models.PositiveIntegerField(_("Zeilen"), default=0)
    rows_created = models.PositiveIntegerField(_("neu angelegt"), default=0)
    rows_updated = models.PositiveIntegerField(_("geändert"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unverändert"), default=0)
    status_updates_created = models.PositiveIntegerField(_("neue Sachstandsmeldungen"), default=0)

    class Meta:
        verbose_name = _("Import")
        verbose_name_plural = _("Importe")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Import %(number)s: %(file)s") % {"number": self.pk, "file": self.file_name}

    @property
    def change_reason(self) -> str:
        return _("Import Nr. %(number)s aus „%(file)s“") % {"number": self.pk, "file": self.file_name}


class ImportJob(models.Model):
    """An uploaded catalogue file on its way through preview and confirm, run in the background.

    Its id is the token of the preview: the confirm claims the job with a conditional update,
    so a preview is imported at most once, whoever clicks how often.
    """

    class State(models.TextChoices):
        PREVIEW_QUEUED = "preview_queued", _("Vorschau wartet auf den Hintergrunddienst")
        PREVIEWING = "previewing", _("Vorschau wird erstellt")
        PREVIEWED = "previewed", _("Vorschau fertig, Import nicht bestätigt")
        REFUSED = "refused", _("Datei mit Fehlern, nichts gespeichert")
        CONFIRM_QUEUED = "confirm_queued", _("Import wartet auf den Hintergrunddienst")
        IMPORTING = "importing", _("Import läuft")
        DONE = "done", _("Import abgeschlossen")
        FAILED = "failed", _("Import fehlgeschlagen, nichts gespeichert")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    concept = models.ForeignKey(Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)
    file_name = models.CharField(_("Dateiname"), max_length=255)
    file_data = models.BinaryField(_("Datei"), editable=False)
    state = models.CharField(_("Zustand"), max_length=20, choices=State, default=State.PREVIEW_QUEUED)
    message = models.TextField(_("Meldung"), blank=True)
    result = models.JSONField(_("Ergebnis"), null=True, blank=True)
    record = models.ForeignKey(
        ImportRecord, verbose_name=_("Import"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("laufender Import")
        verbose_name_plural = _("laufende Importe")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"


class ImportProgress(models.Model):
    """How far the background task of an ``ImportJob`` is. A row of its own: the confirm holds
    the job's row locked in its transaction, and progress is written beside it, not into it."""

    job = models.OneToOneField(ImportJob, on_delete=models.CASCADE, primary_key=True, related_name="progress")
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Fortschritt eines Imports")
        verbose_name_plural = _("Fortschritt der Importe")

    def __str__(self):
        return f"{self.rows_done}/{self.rows_total}"


# Indicators and milestones: is it working, and is the plan kept? -----------------------------


def concept_start(concept) -> date:
    """The first day of a concept's period; targets lie on or after it."""
    return date(concept.start_year, 1, 1)


def targets_before_start_error(targets, concept) -> str | None:
    """Why ``concept`` cannot hold these targets (some lie before its first day), or None.
    The database refuses it too (triggers of migration 0009); this is the German message."""
    earliest = concept_start(concept)
    first = targets.filter(target_date__lt=earliest).order_by("target_date").first()
    if first is None:
        return None
    return _("Ein Zielwert vom %(date)s läge vor dem Beginn des Konzepts (%(earliest)s).") % {
        "date": first.target_date.strftime("%d.%m.%Y"),
        "earliest": earliest.strftime("%d.%m.%Y"),
    }


def _indicator_of(row):
    """The row's indicator, also while it is unsaved (the admin validates inlines of a new
    indicator before saving it, so ``indicator_id`` is still None then), or None."""
    try:
        return row.indicator
    except ObjectDoesNotExist:
        return None


class IndicatorQuerySet(models.QuerySet):
    def published(self):
        """Indicators the public may see: published, in a published concept."""
        return self.filter(published=True, concept__published=True)

    def proposable_by(self, user):
        """Indicators for which ``user`` may propose values: the Büro any, a reporter those linked
        to a measure one of their units is responsible for."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_buero:
            return self.all()
        return self.filter(
            pk__in=Indicator.measures.through.objects.filter(measure__in=Measure.objects.visible_to(user)).values(
                "indicator_id"
            )
        )

    def with_latest_value(self, until=None):
        """Annotate ``latest_date``, ``latest_value`` and ``latest_provisional``: the newest total
        (not broken down) value, up to ``until`` if given. One query whatever the number of values."""
        latest = IndicatorValue.objects.filter(indicator=models.OuterRef("pk"), category__isnull=True)
        if until is not None:
            latest = latest.filter(reference_date__lte=until)
        latest = latest.order_by("-reference_date")
        return self.annotate(
            latest_date=models.Subquery(latest.values("reference_date")[:1]),
            latest_value=models.Subquery(latest.values("value")[:1]),
            latest_provisional=models.Subquery(latest.values("provisional")[:1]),
        )


class IndicatorManager(models.Manager.from_queryset(IndicatorQuerySet)):
    def get_by_natural_key(self, concept_slug, number):
        return self.get(concept__slug=concept_slug, number=number)


class Indicator(models.Model):
    """A measurable sign of whether the concept works, with baseline, dated targets and values."""

    concept = models.ForeignKey(Concept, verbose_name=_("Konzept"), on_delete=models.PROTECT, related_name="indicators")
    number = models.PositiveSmallIntegerField(
        _("Nr."), help_text=_("Nummer des Indikators im Konzept, z. B. 3; Teil seiner Internetadresse.")
    )
    name = models.CharField(
        _("Name"),
        max_length=300,
        help_text=_("Am besten mit der gewünschten Richtung, z. B. „Erhöhung des Anteils …“."),
    )
    description = models.TextField(_("Beschreibung (öffentlich)"), blank=True)
    unit = models.CharField(_("Einheit"), max_length=40, help_text=_("z. B. %, Anzahl, Personen"))
    counts = models.BooleanField(
        _("Werte sind Anzahlen"),
        default=False,
        help_text=_(
            "Ankreuzen, wenn jeder Wert eine Anzahl von Personen oder Fällen ist: Dann ist der Wert zugleich seine "
            "Fallzahl, und die Werte einer Aufschlüsselung ergeben zusammen den Gesamtwert (deshalb wird bei "
            "einer gesperrten Gruppe eine weitere gesperrt). Nicht ankreuzen bei Anteilen und Quoten."
        ),
    )
    direction = models.CharField(_("gewünschte Richtung"), max_length=20, choices=Direction, default=Direction.HIGHER)
    data_source = models.CharField(
        _("Datenquelle"), max_length=300, blank=True, help_text=_("z. B. Personalstatistik der Stadtverwaltung")
    )
    data_owner = models.CharField(
        _("Daten erhoben von"),
        max_length=200,
        blank=True,
        help_text=_("Stelle, die die Daten erhebt und liefert, z. B. die Statistikstelle der Stadt."),
    )
    frequency = models.CharField(_("Erhebung"), max_length=20, choices=Frequency, default=Frequency.YEARLY)
    baseline_value = models.DecimalField(_("Ausgangswert"), max_digits=14, decimal_places=4, null=True, blank=True)
    baseline_date = models.DateField(_("Ausgangswert vom"), null=True, blank=True)
    decimal_places = models.PositiveSmallIntegerField(
        _("Nachkommastellen in der Anzeige"), default=1, validators=[MaxValueValidator(4)]
    )
    goals = models.ManyToManyField(
        Goal,
        verbose_name=_("Ziele"),
        related_name="indicators",
        help_text=_("Die Ziele des Konzepts, zu denen der Indikator zeigt, ob sie erreicht werden (mindestens eins)."),
    )
    measures = models.ManyToManyField(
        Measure,
        verbose_name=_("Maßnahmen"),
        blank=True,
        related_name="indicators",
        help_text=_("Die verantwortlichen Stellen dieser Maßnahmen dürfen Werte vorschlagen."),
    )
    published = models.BooleanField(_("veröffentlicht"), default=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    objects = IndicatorManager()
    history = HistoricalRecords(verbose_name=_("Indikator (Verlauf)"))

    class Meta:
        verbose_name = _("Indikator")
        verbose_name_plural = _("Indikatoren")
        ordering = ["concept", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["concept", "number"],
                name="measures_indicator_unique_number",
                violation_error_message=_("Diese Nummer ist in diesem Konzept schon vergeben."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="measures_indicator_number_positive"),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True, baseline_date__isnull=True)
                | Q(baseline_value__isnull=False, baseline_date__isnull=False),
                name="measures_indicator_baseline_complete",
                violation_error_message=_("Ein Ausgangswert braucht sein Datum, ein Datum seinen Ausgangswert."),
            ),
            models.CheckConstraint(condition=Q(decimal_places__lte=4), name="measures_indicator_decimal_places_range"),
        ]

    def __str__(self):
        return _("Indikator %(number)s: %(name)s") % {"number": self.number, "name": self.name}

    def get_absolute_url(self):
        return reverse("indicators:detail", args=[self.concept.slug, self.number])

    def natural_key(self):
        return (*self.concept.natural_key(), self.number)

    natural_key.dependencies = ["measures.concept"]

    def clean(self):
        if (self.baseline_value is None) != (self.baseline_date is None):
            field = "baseline_date" if self.baseline_date is None else "baseline_value"
            raise ValidationError({field: _("Ein Ausgangswert braucht sein Datum, ein Datum seinen Ausgangswert.")})
        if self.pk and self.concept_id:
            error = targets_before_start_error(self.targets.all(), self.concept)
            if error:
                raise ValidationError({"concept": error})


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("Indikator"), on_delete=models.CASCADE, related_name="targets"
    )
    target_date = models.DateField(
        _("Zieldatum"), help_text=_("Bis wann der Zielwert erreicht sein soll; nicht vor Beginn des Konzepts.")
    )
    value = models.DecimalField(_("Zielwert"), max_digits=14, decimal_places=4)
    note = models.CharField(_("Anmerkung (öffentlich)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Zielwert")
        verbose_name_plural = _("Zielwerte")
        ordering = ["indicator", "target_date"]
        # A target before the concept's first day is refused by the database too: a trigger
        # (migration 0009) compares with the concept's start year, which a check constraint
        # cannot reach across tables.
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "target_date"],
                name="measures_indicatortarget_unique_date",
                violation_error_message=_("Für dieses Datum gibt es schon einen Zielwert."),
            ),
        ]

    def __str__(self):
        return _("Zielwert %(value)s bis %(date)s") % {
            "value": self.value.normalize(),
            "date": self.target_date.strftime("%d.%m.%Y"),
        }

    def clean(self):
        indicator = _indicator_of(self)
        if self.target_date is None or indicator is None:
            return
        earliest = concept_start(indicator.concept)
        if self.target_date < earliest:
            raise ValidationError(
                {
                    "target_date": _(
                        "Ein Zielwert liegt im Zeitraum des Konzepts oder danach (frühestens %(earliest)s)."
                    )
                    % {"earliest": earliest.strftime("%d.%m.%Y")}
                }
            )
        if indicator.baseline_date and self.target_date <= indicator.baseline_date:
            raise ValidationError({"target_date": _("Ein Zielwert liegt nach dem Datum des Ausgangswerts.")})


class BreakdownDimension(models.Model):
    """A characteristic by which values are broken down, e.g. Geschlecht or Altersgruppe."""

    name = models.CharField(
        _("Merkmal"), max_length=100, unique=True, help_text=_("z. B. Geschlecht, Staatsangehörigkeit, Altersgruppe")
    )

    class Meta:
        verbose_name = _("Merkmal für Aufschlüsselungen")
        verbose_name_plural = _("Merkmale für Aufschlüsselungen")
        ordering = ["name"]

    def __str__(self):
        return self.name


class BreakdownCategory(models.Model):
    """One value of a dimension, e.g. „nicht deutsch“ of Staatsangehörigkeit."""

    dimension = models.ForeignKey(
        BreakdownDimension, verbose_name=_("Merkmal"), on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(_("Ausprägung"), max_length=100, help_text=_("z. B. weiblich, nicht deutsch, 18–26 Jahre"))
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Ausprägung")
        verbose_name_plural = _("Ausprägungen")
        ordering = ["dimension__name", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "name"],
                name="measures_breakdowncategory_unique_name",
                violation_error_message=_("Diese Ausprägung gibt es bei diesem Merkmal schon."),
            ),
        ]

    def __str__(self):
        return f"{self.dimension.name}: {self.name}"


def value_date_error(reference_date, *, today=None) -> str | None:
    """Why ``reference_date`` cannot be the date of an indicator value, or None.

    A value describes something measured: never a day in the future. Values before the
    concept began are welcome (the series that led to the baseline)."""
    today = today or timezone.localdate()
    if reference_date > today:
        return _("Der Stichtag eines Werts darf nicht in der Zukunft liegen (spätestens heute, %(today)s).") % {
            "today": today.strftime("%d.%m.%Y")
        }
    return None


class IndicatorValueFields(models.Model):
    """What a value says; shared by the value itself and a unit's proposal of it."""

    reference_date = models.DateField(
        _("Stichtag"), help_text=_("Tag, auf den sich der Wert bezieht; bei Jahreswerten z. B. der 31.12.")
    )
    period_label = models.CharField(
        _("Zeitraum"),
        max_length=40,
        blank=True,
        help_text=_("Wie der Zeitraum angezeigt wird, z. B. „2024“ oder „Schuljahr 2024/25“; leer: der Stichtag."),
    )
    category = models.ForeignKey(
        BreakdownCategory,
        verbose_name=_("Aufschlüsselung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leer für den Gesamtwert; sonst die Gruppe, für die der Wert gilt."),
    )
    value = models.DecimalField(_("Wert"), max_digits=14, decimal_places=4)
    case_count = models.PositiveIntegerField(
        _("Fallzahl (intern)"),
        null=True,
        blank=True,
        help_text=_(
            "Anzahl der Personen oder Fälle, auf denen der Wert beruht. Für Aufschlüsselungen nötig, außer die Werte "
            "sind selbst Anzahlen; entscheidet, ob der Wert öffentlich erscheint. Wird nie veröffentlicht."
        ),
    )
    note = models.TextField(_("Anmerkung (öffentlich)"), blank=True)
    provisional = models.BooleanField(
        _("vorläufig"), default=False, help_text=_("Der Wert kann sich noch ändern; er wird so gekennzeichnet.")
    )

    class Meta:
        abstract = True

    @property
    def period_display(self) -> str:
        return self.period_label or self.reference_date.strftime("%d.%m.%Y")

    def clean_value_fields(self, indicator) -> dict:
        """Rules within one value, given its indicator: the errors by field."""
        errors = {}
        if self.reference_date:
            error = value_date_error(self.reference_date)
            if error:
                errors["reference_date"] = error
        if indicator is not None and self.value is not None:
            if indicator.counts and (self.value < 0 or self.value != self.value.to_integral_value()):
                errors["value"] = _("Die Werte dieses Indikators sind Anzahlen: bitte eine ganze Zahl ab 0.")
            if self.category_id and not indicator.counts and self.case_count is None:
                errors["case_count"] = _(
                    "Für einen aufgeschlüsselten Wert ist die Fallzahl nötig: Nur mit ihr lässt sich prüfen, ob die "
                    "Gruppe groß genug für eine Veröffentlichung ist."
                )
        return errors


class IndicatorValueQuerySet(models.QuerySet):
    def published(self):
        """Values of published indicators of published concepts. Not yet disclosure-checked:
        every public output passes them through ``measures.indicators.disclosure``."""
        return self.filter(indicator__published=True, indicator__concept__published=True)

    def totals(self):
        return self.filter(category__isnull=True)


class IndicatorValue(IndicatorValueFields):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("Indikator"), on_delete=models.CASCADE, related_name="values"
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    objects = IndicatorValueQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("Indikatorwert (Verlauf)"))

    class Meta:
        verbose_name = _("Indikatorwert")
        verbose_name_plural = _("Indikatorwerte")
        ordering = ["indicator", "reference_date", "category__dimension__name", "category__position"]
        constraints = [
            # One value per indicator, date and group; the total (no group) once per date as well.
            models.UniqueConstraint(
                fields=["indicator", "reference_date", "category"],
                condition=Q(category__isnull=False),
                name="measures_indicatorvalue_unique_category",
                violation_error_message=_("Für diesen Stichtag und diese Gruppe gibt es schon einen Wert."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "reference_date"],
                condition=Q(category__isnull=True),
                name="measures_indicatorvalue_unique_total",
                violation_error_message=_("Für diesen Stichtag gibt es schon einen Gesamtwert."),
            ),
        ]
        indexes = [models.Index(fields=["indicator", "-reference_date"], name="measures_indvalue_latest")]

    def __str__(self):
        group = f" ({self.category})" if self.category_id else ""
        return f"{self.indicator.name}{group}: {self.value.normalize()} ({self.period_display})"

    def clean(self):
        errors = self.clean_value_fields(_indicator_of(self))
        if errors:
            raise ValidationError(errors)


class IndicatorValueProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The Büro sees every proposal; a reporter those made through their units' measures."""
        return self.filter(measure__in=Measure.objects.visible_to(user))

    def editable_by(self, user):
        """Proposals the user may change and submit again: returned ones (the Büro reviews, it does not edit)."""
        if not user.is_authenticated or user.is_buero:
            return self.none()
        return self.visible_to(user).filter(state=UpdateState.RETURNED)


class IndicatorValueProposal(IndicatorValueFields):
    """A value proposed by a responsible unit; the Büro publishes it (it becomes an
    IndicatorValue) or returns it, as with status reports."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("Indikator"), on_delete=models.CASCADE, related_name="proposals"
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("über Maßnahme"),
        on_delete=models.CASCADE,
        related_name="indicator_value_proposals",
        help_text=_("Die Maßnahme, über die die Stelle für diesen Indikator berichtet."),
    )
    internal_note = models.TextField(_("Hinweis an das Büro (intern)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vorgeschlagen von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicator_value_proposals",
    )
    state = models.CharField(_("Bearbeitungsstand"), max_length=20, choices=UpdateState, default=UpdateState.SUBMITTED)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geprüft von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_indicator_value_proposals",
    )
    return_comment = models.TextField(_("Rückmeldung des Büros"), blank=True)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("geprüft am"), null=True, blank=True)
    published_value = models.ForeignKey(
        IndicatorValue,
        verbose_name=_("veröffentlichter Wert"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    objects = IndicatorValueProposalQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("Wertvorschlag (Verlauf)"))

    class Meta:
        verbose_name = _("vorgeschlagener Indikatorwert")
        verbose_name_plural = _("vorgeschlagene Indikatorwerte")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return _("Vorschlag für %(indicator)s: %(value)s (%(period)s)") % {
            "indicator": self.indicator.name,
            "value": self.value.normalize(),
            "period": self.period_display,
        }

    def clean(self):
        errors = self.clean_value_fields(_indicator_of(self))
        if errors:
            raise ValidationError(errors)


class MilestoneQuerySet(models.QuerySet):
    def published(self):
        return self.filter(measure__published=True, measure__concept__published=True)

    def overdue(self, today=None):
        """Planned date passed, not done."""
        return self.filter(done_on__isnull=True, planned_on__lt=today or timezone.localdate())


class Milestone(models.Model):
    """A dated step of a measure's plan; reporters tick it in their status report."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("Maßnahme"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("Meilenstein"), max_length=300)
    planned_on = models.DateField(_("geplant bis"))
    done_on = models.DateField(_("erledigt am"), null=True, blank=True)
    note = models.TextField(_("Anmerkung (öffentlich)"), blank=True)

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("Meilenstein (Verlauf)"))

    class Meta:
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        ordering = ["measure", "planned_on", "pk"]

    def __str__(self):
        return _("%(title)s (geplant bis %(date)s)") % {
            "title": self.title,
            "date": self.planned_on.strftime("%d.%m.%Y"),
        }

    def is_overdue(self, today=None) -> bool:
        return self.done_on is None and self.planned_on < (today or timezone.localdate())

    def clean(self):
        if self.done_on and self.done_on > timezone.localdate():
            raise ValidationError({"done_on": _("„erledigt am“ darf nicht in der Zukunft liegen.")})


class ReportedMilestone(models.Model):
    """A milestone ticked as done in a status report; applied when the report is published."""

    update = models.ForeignKey(
        StatusUpdate, verbose_name=_("Sachstandsmeldung"), on_delete=models.CASCADE, related_name="milestone_ticks"
    )
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("Meilenstein"), on_delete=models.CASCADE, related_name="ticks"
    )
    done_on = models.DateField(_("erledigt am"))

    class Meta:
        verbose_name = _("gemeldeter Meilenstein")
        verbose_name_plural = _("gemeldete Meilensteine")
        ordering = ["milestone__planned_on"]
        constraints = [
            models.UniqueConstraint(fields=["update", "milestone"], name="measures_reportedmilestone_once"),
        ]

    def __str__(self):
        return _("%(milestone)s: erledigt am %(date)s") % {
            "milestone": self.milestone.title,
            "date": self.done_on.strftime("%d.%m.%Y"),
        }
