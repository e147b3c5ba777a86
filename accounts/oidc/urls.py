"""Single sign-on addresses, outside the language prefix: the provider knows them by heart.

Register at the provider: redirect URI ``https://<host>/oidc/callback/``, post-logout redirect URI
``https://<host>/oidc/abgemeldet/``.
"""

from django.urls import path

from . import views

app_name = "oidc"

urlpatterns = [
    path("anmelden/", views.LoginView.as_view(), name="login"),
    path("callback/", views.CallbackView.as_view(), name="callback"),
    path("abgemeldet/", views.logged_out, name="logged_out"),
]
