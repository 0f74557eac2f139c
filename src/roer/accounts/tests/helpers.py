from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from roer.accounts.models import User


def sign_in_verified(client: Client, user: User, device: Device) -> None:
    """A session as the two-step sign-in leaves it, without going through the forms."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def signing_in():
    """The request a sign-in comes with: django-axes, which throttles sign-ins, needs one to count by."""
    from django.test import RequestFactory

    return RequestFactory().post("/accounts/login/")
