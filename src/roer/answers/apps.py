from django.apps import AppConfig


class AnswersConfig(AppConfig):
    name = "roer.answers"
    label = "answers"
    verbose_name = "Answers and callbacks"

    def ready(self) -> None:
        # Importing the module registers the answers as a rule set, so `roer migrate` installs the default
        # answers and `roer rules` can draft and publish new versions.
        import roer.answers.rules  # noqa: F401
