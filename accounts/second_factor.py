"""The second factor (django-otp): an authenticator app (TOTP) plus single-use recovery codes.

Required for the Büro, who can change everything; reporters may set it up. Whoever has a confirmed
app must confirm a code after the password. The QR code for the app is drawn on the server as SVG:
no JavaScript, nothing from third parties.
"""

import re
from base64 import b32encode
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .oidc.mfa import provider_mfa_counts

APP_DEVICE_NAME = _("Authenticator-App")
RECOVERY_DEVICE_NAME = _("Wiederherstellungscodes")
RECOVERY_CODE_COUNT = 10


def has_confirmed_device(user) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def is_required_for(user) -> bool:
    """The Büro always; anyone else once they have set up an app."""
    return user.is_authenticated and (user.is_buero or has_confirmed_device(user))


def is_given(request) -> bool:
    """Whether this session has its second factor: a confirmed code, or a single sign-on whose
    ID token proved the provider's multi-factor login where the operator accepts that
    (accounts/oidc/mfa.py). The one check of the admin and the staff pages."""
    return request.user.is_verified() or provider_mfa_counts(request)


def app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_app_device(user) -> TOTPDevice:
    """The app being set up: one unconfirmed device per person, kept until it is confirmed."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=str(APP_DEVICE_NAME), confirmed=False)
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in groups of four, for apps that cannot scan: „ABCD EFGH …“."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The setup address as an inline SVG element (without XML declaration)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=4)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)
    # Scales with the text and stays in its column at 320 px; announced as one image.
    label = _("QR-Code zum Einrichten der Authenticator-App")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="qr-code" ', 1)


@transaction.atomic
def confirm_app(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with its first code; returns fresh recovery codes, or None if the code is wrong."""
    if not device.verify_token(normalize(code)):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Ten new single-use codes; any earlier ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=str(RECOVERY_DEVICE_NAME), defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _index in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def normalize(code: str) -> str:
    return re.sub(r"\s+", "", code or "").lower()


def verify(user, code: str):
    """The device that accepts ``code`` (six digits: the app; otherwise a recovery code), or None.

    Each device counts its own wrong codes and makes the next try wait longer (django-otp's
    throttling), so that codes cannot be guessed.
    """
    code = normalize(code)
    if not code:
        return None
    model = TOTPDevice if code.isdigit() else StaticDevice
    for device in model.objects.devices_for_user(user, confirmed=True):
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def wait_until(user):
    """When a throttled device accepts codes again, or None if it does now."""
    for device in devices_for_user(user, confirmed=True):
        allowed, details = device.verify_is_allowed()
        if not allowed and details and details.get("locked_until"):
            return details["locked_until"]
    return None


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def reset(user) -> None:
    """Removes app and recovery codes: the person sets them up again at the next login."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
