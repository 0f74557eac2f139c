import pytest
from django.db import IntegrityError, transaction

from roer.accounts.tests.factories import UserFactory
from roer.core import rules
from roer.core.constants import RuleVersionStatus
from roer.core.models import JournalEvent, JournalRuleVersion, RuleVersion

pytestmark = pytest.mark.django_db

KEY = "test-greeting"
rules.register(
    rules.RuleSetDefinition(
        key=KEY,
        title="Greeting (test)",
        schema={
            "type": "object",
            "required": ["text", "days"],
            "properties": {
                "text": {"type": "string", "minLength": 1},
                "days": {"type": "integer", "minimum": 0},
            },
            "additionalProperties": False,
        },
        default=lambda: {"text": "Hallo", "days": 8},
        check=lambda doc: ["days must be under 100"] if doc["days"] >= 100 else [],
    )
)


@pytest.fixture
def supervisor():
    return UserFactory(roles=["process_supervisor"])


def test_defaults_are_installed_once_and_live():
    rules.install_defaults()
    rules.install_defaults()
    live = rules.live_version(KEY)
    assert live.document == {"text": "Hallo", "days": 8}
    assert [v.number for v in rules.versions_of(KEY)] == [1]


def test_an_invalid_document_is_refused_with_its_problems(supervisor):
    before = RuleVersion.objects.filter(rule_set__key=KEY).count()
    with pytest.raises(rules.RuleValidationError) as raised:
        rules.rule_version_draft(key=KEY, document={"text": "", "days": -1}, by=supervisor)
    assert len(raised.value.problems) == 2
    assert "days" in str(raised.value)
    with pytest.raises(rules.RuleValidationError, match="under 100"):
        rules.rule_version_draft(key=KEY, document={"text": "Hoi", "days": 100}, by=supervisor)
    assert RuleVersion.objects.filter(rule_set__key=KEY).count() == before


def test_publish_retires_the_live_version_and_journals_it(supervisor):
    rules.install_defaults()
    first = rules.live_version(KEY)
    draft = rules.rule_version_draft(key=KEY, document={"text": "Goedemorgen", "days": 10}, by=supervisor)
    assert draft.status == RuleVersionStatus.DRAFT
    assert rules.live_version(KEY).pk == first.pk
    rules.rule_version_publish(version=draft, by=supervisor)
    first.refresh_from_db()
    assert first.status == RuleVersionStatus.RETIRED
    assert rules.live_version(KEY).pk == draft.pk
    published = JournalEvent.objects.filter(activity="rule_version_published").last()
    assert published.facts == {"rule_set": KEY, "number": 2, "replaces": 1}
    assert JournalRuleVersion.objects.filter(event=published, rule_version=draft).exists()


def test_roll_back_restores_the_previous_version(supervisor):
    rules.install_defaults()
    second = rules.rule_version_draft(key=KEY, document={"text": "Dag", "days": 3}, by=supervisor)
    rules.rule_version_publish(version=second, by=supervisor)
    restored = rules.rule_version_roll_back(key=KEY, by=supervisor)
    assert restored.number == 1
    assert rules.live_version(KEY).number == 1
    assert RuleVersion.objects.get(pk=second.pk).status == RuleVersionStatus.RETIRED
    assert JournalEvent.objects.filter(activity="rule_version_rolled_back").count() == 1


def test_roll_back_without_an_earlier_version_says_so():
    rules.install_defaults()
    with pytest.raises(LookupError, match="no earlier"):
        rules.rule_version_roll_back(key=KEY)


def test_the_database_allows_only_one_live_version(supervisor):
    rules.install_defaults()
    draft = rules.rule_version_draft(key=KEY, document={"text": "Dag", "days": 3}, by=supervisor)
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleVersion.objects.filter(pk=draft.pk).update(status=RuleVersionStatus.PUBLISHED)
