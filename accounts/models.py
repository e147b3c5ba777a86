from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import roles


class UserQuerySet(models.QuerySet):
    def reporters_of(self, unit):
        """Active people with the Berichterstattung role who report for ``unit``."""
        return self.filter(memberships__unit=unit, is_active=True, groups__name=roles.REPORTING).distinct()


class PersonManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    units = models.ManyToManyField(
        "measures.ResponsibleUnit",
        verbose_name=_("Stellen"),
        through="Membership",
        related_name="members",
        blank=True,
    )

    objects = PersonManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        full_name = self.get_full_name()
        return f"{full_name} ({self.username})" if full_name else self.username

    @cached_property
    def group_names(self) -> frozenset[str]:
        # Cached per instance: the role is asked several times on every staff page.
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def is_buero(self) -> bool:
        return self.is_active and (self.is_superuser or roles.BUERO in self.group_names)

    @property
    def is_reporter(self) -> bool:
        return self.is_active and roles.REPORTING in self.group_names


class Membership(models.Model):
    user = models.ForeignKey(User, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(
        "measures.ResponsibleUnit", verbose_name=_("Stelle"), on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(_("eingetragen am"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("Mitgliedschaft (Verlauf)"))

    class Meta:
        verbose_name = _("Mitgliedschaft in einer Stelle")
        verbose_name_plural = _("Mitgliedschaften in Stellen")
        ordering = ["unit__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                name="accounts_membership_unique",
                violation_error_message=_("Diese Person gehört dieser Stelle schon an."),
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.unit}"


# The login protection's records (django-axes) under German names in the Büro's part of the
# admin; proxies, so that the role Büro gets their permissions with the rest of this app.
class LoginAttempt(AccessAttempt):
    class Meta:
        proxy = True
        verbose_name = _("Fehlversuch und Sperre")
        verbose_name_plural = _("Gesperrte Anmeldungen und Fehlversuche")
        ordering = ["-attempt_time"]


class LoginFailure(AccessFailureLog):
    class Meta:
        proxy = True
        verbose_name = _("fehlgeschlagene Anmeldung")
        verbose_name_plural = _("Protokoll: fehlgeschlagene Anmeldungen")
        ordering = ["-attempt_time"]


class Login(AccessLog):
    class Meta:
        proxy = True
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Protokoll: Anmeldungen")
        ordering = ["-attempt_time"]


class SingleSignOnIdentity(models.Model):
    """The link between a person and their account at the city's OpenID provider.

    Issuer and subject are the only identifier OpenID Connect guarantees to be stable and unique;
    names and e-mail addresses can change or be reused. Made at the first single sign-on.
    """

    user = models.OneToOneField(User, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="single_sign_on")
    issuer = models.CharField(_("Anmeldedienst"), max_length=255)
    subject = models.CharField(_("Kennung beim Anmeldedienst"), max_length=255)
    created_at = models.DateTimeField(_("verknüpft am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Verwaltungskonto")
        verbose_name_plural = _("Verwaltungskonten")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"],
                name="accounts_singlesignonidentity_unique",
                violation_error_message=_("Dieses Verwaltungskonto ist schon mit einer Person verknüpft."),
            )
        ]

    def __str__(self):
        return f"{self.user.username} ({self.subject})"
