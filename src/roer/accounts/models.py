from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from roer.accounts.constants import STAFF_ROLES, Role
from roer.core.constants import ActorKind


class User(AbstractUser):
    email = models.EmailField(_("e-mail address"), blank=True)
    is_demo = models.BooleanField(
        default=False, help_text=_("Created by `roer demo`; listed on the home page.")
    )

    @property
    def roles(self) -> frozenset[str]:
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(self.groups.values_list("name", flat=True)) if self.pk else frozenset()
            self._roles_cache = cached
        return cached

    def has_role(self, *roles: Role | str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_staff_member(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def requires_second_factor(self) -> bool:
        """Staff, and anyone who may enter the admin, sign in with two factors: they see personal data."""
        return self.is_staff_member or self.is_staff or self.is_superuser

    @property
    def journal_actor_kind(self) -> str:
        if self.is_staff_member or self.is_superuser:
            return ActorKind.STAFF
        if Role.CONTRACTOR in self.roles:
            return ActorKind.CONTRACTOR
        return ActorKind.TENANT


class ActivationCode(models.Model):
    """A one-time code sent by letter, with which a tenant or co-tenant opens their portal account.

    Only a keyed hash (HMAC with SECRET_KEY) is stored: the code itself exists in the letter-printing file
    and on paper, nowhere else. It works with the postcode and house number of the tenancy's dwelling.
    """

    person = models.ForeignKey("tenancies.Person", on_delete=models.CASCADE, related_name="activation_codes")
    tenancy = models.ForeignKey(
        "tenancies.Tenancy", on_delete=models.CASCADE, related_name="activation_codes"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text=_("Wrong postcode or house number entered with this code.")
    )

    class Meta:
        indexes = [models.Index(fields=["person", "used_at", "revoked_at"], name="activation_code_open")]

    def __str__(self) -> str:
        return f"activation code #{self.pk}"
