import pytest

from roer.core import rules
from roer.repairs import selectors
from roer.repairs.default_tree import default_tree
from roer.repairs.wizard_rules import KEY

pytestmark = pytest.mark.django_db


def test_migrate_installed_the_default_tree_as_the_live_version():
    live = rules.live_version(KEY)
    assert live.document == default_tree()


def test_the_live_tree_is_parsed_once_per_version():
    version, tree = selectors.live_wizard()
    again_version, again = selectors.live_wizard()
    assert again is tree and again_version.pk == version.pk

    document = default_tree()
    document["areas"][0]["locations"][0]["elements"][0]["problems"][0]["label"] = "Kraan lekt"
    draft = rules.rule_version_draft(key=KEY, document=document, note="test")
    rules.rule_version_publish(version=draft)
    new_version, new_tree = selectors.live_wizard()
    assert new_version.number == version.number + 1
    assert new_tree is not tree
    assert new_tree.problem("tap-dripping").label == "Kraan lekt"
