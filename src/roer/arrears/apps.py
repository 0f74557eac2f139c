from django.apps import AppConfig


class ArrearsConfig(AppConfig):
    name = "roer.arrears"
    label = "arrears"
    verbose_name = "Arrears"

    def ready(self) -> None:
        # Importing the modules registers the collections policy and the letter texts as rule sets,
        # so `roer migrate` installs their defaults and `roer rules` can draft and publish them.
        import roer.arrears.letters
        import roer.arrears.policy  # noqa: F401
