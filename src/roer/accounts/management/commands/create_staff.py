"""`roer create_staff USERNAME --role ROLE`: a staff account for the corporation's IT team to hand over."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from roer.accounts import services
from roer.accounts.constants import STAFF_ROLES
from roer.accounts.models import User


class Command(BaseCommand):
    help = "Create a staff account with an authenticator and backup codes; prints a one-off password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            required=True,
            action="append",
            choices=sorted(role.value for role in STAFF_ROLES),
            help="Repeat for more roles.",
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--json", action="store_true", help="Machine-readable output.")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(f"a user named {username!r} already exists")
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            user = services.user_create(
                username=username, email=options["email"], password=password, roles=options["role"]
            )
            totp, static = services.staff_second_factor_add(user=user)
        codes = list(static.token_set.order_by("pk").values_list("token", flat=True))
        if options["json"]:
            summary = {
                "username": username,
                "roles": sorted(options["role"]),
                "password": password,
                "otpauth_url": totp.config_url,
                "backup_codes": codes,
            }
            self.stdout.write(json.dumps(summary))
            return
        self.stdout.write(f"Created {username} ({', '.join(sorted(options['role']))}).")
        self.stdout.write(f"One-off password:                  {password}")
        self.stdout.write(f"Authenticator app (QR or by hand): {totp.config_url}")
        self.stdout.write(f"Backup codes, each works once:     {' '.join(codes)}")
