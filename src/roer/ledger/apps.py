from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "roer.ledger"
    label = "ledger"
    verbose_name = "Ledger"
