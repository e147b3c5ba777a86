from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import SingleSignOnIdentity


class SingleSignOnIdentityInline(admin.TabularInline):
    """Shows whether a person logs in through the city's provider; deleting the link lets the next
    single sign-on link the account anew (e.g. after the directory account changed)."""

    model = SingleSignOnIdentity
    fields = ["issuer", "subject", "created_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    verbose_name = _("Verwaltungskonto (Single Sign-on)")
    verbose_name_plural = _("Verwaltungskonto (Single Sign-on)")
