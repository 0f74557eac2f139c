from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_default_rules(sender: AppConfig, **kwargs: object) -> None:
    from roer.core import rules

    if kwargs.get("using", "default") == "default":
        rules.install_defaults()


class CoreConfig(AppConfig):
    name = "roer.core"
    label = "core"
    verbose_name = "Roer core"

    def ready(self) -> None:
        # Runs once after all apps migrated, when every app has registered its rule sets.
        post_migrate.connect(_install_default_rules, sender=self, dispatch_uid="roer_install_default_rules")
