from roer.core.models.helm import Decision, FlowMode, Hold
from roer.core.models.journal import AppendOnlyError, JournalEvent, JournalRuleVersion, JournalSubject
from roer.core.models.outbox import OutboxAttachment, OutboxMessage
from roer.core.models.rules import RuleSet, RuleVersion

__all__ = [
    "AppendOnlyError",
    "Decision",
    "FlowMode",
    "Hold",
    "JournalEvent",
    "JournalRuleVersion",
    "JournalSubject",
    "OutboxAttachment",
    "OutboxMessage",
    "RuleSet",
    "RuleVersion",
]
