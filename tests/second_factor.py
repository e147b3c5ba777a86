"""The second factor in tests: the code a person's authenticator app shows right now."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def give_app(user) -> TOTPDevice:
    """A confirmed authenticator app, as if the person had set it up."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """What the app shows now. Each code is accepted once; tests that log in twice within one
    30-second step forget the step used before, like a person who waits for the next code."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
