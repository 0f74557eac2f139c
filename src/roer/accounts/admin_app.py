from django.contrib.admin.apps import AdminConfig


class OTPAdminConfig(AdminConfig):
    """The admin shows everyone's personal data: it asks for the second factor, like every staff page."""

    default_site = "django_otp.admin.OTPAdminSite"
