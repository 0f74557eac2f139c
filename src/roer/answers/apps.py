from django.apps import AppConfig


class AnswersConfig(AppConfig):
    name = "roer.answers"
    label = "answers"
    verbose_name = "Answers and callbacks"
