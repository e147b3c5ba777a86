from django import template

from accounts.oidc import provider

register = template.Library()


@register.simple_tag
def oidc_login_enabled() -> bool:
    """Whether the login page offers single sign-on (only when it is configured)."""
    return provider.is_configured()
