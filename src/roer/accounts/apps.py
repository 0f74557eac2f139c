from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_role_groups(sender: AppConfig, **kwargs: object) -> None:
    from roer.accounts.services import role_groups_ensure

    role_groups_ensure()


class AccountsConfig(AppConfig):
    name = "roer.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        post_migrate.connect(_create_role_groups, sender=self, dispatch_uid="roer_role_groups")
