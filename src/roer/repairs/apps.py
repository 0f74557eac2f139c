from django.apps import AppConfig


class RepairsConfig(AppConfig):
    name = "roer.repairs"
    label = "repairs"
    verbose_name = "Repairs"

    def ready(self) -> None:
        # Importing the module registers the repair wizard as a rule set, so `roer migrate` installs
        # its default tree (and the contractor routing table), and `roer rules` can draft and publish new
        # versions.
        import roer.repairs.routing
        import roer.repairs.wizard_rules  # noqa: F401
