from django.urls import path

from . import views
from .oidc import views as oidc_views

app_name = "accounts"

urlpatterns = [
    path("anmelden/", views.LoginView.as_view(), name="login"),
    path("anmelden/bestaetigen/", views.second_factor_view, name="second_factor"),
    path("zweiter-faktor/", views.second_factor_setup_view, name="second_factor_setup"),
    path("abmelden/", oidc_views.LogoutView.as_view(), name="logout"),
    path("passwort/", views.PasswordChangeView.as_view(), name="password_change"),
]
