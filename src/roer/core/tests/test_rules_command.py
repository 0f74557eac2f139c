import json

import pytest
from django.core.management import CommandError, call_command

from roer.core import rules

from .test_rules import KEY

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("rules", *args, stdout=out)
    return out.getvalue()


def test_draft_publish_and_roll_back_from_the_command_line(tmp_path):
    rules.install_defaults()
    document = tmp_path / "greeting.json"
    document.write_text(json.dumps({"text": "Goedemiddag", "days": 12}))
    assert "v2 stored as a draft" in run("draft", KEY, str(document), "--note", "warmer")
    assert "v2 is live" in run("publish", KEY, "2")
    assert json.loads(run("show", KEY)) == {"text": "Goedemiddag", "days": 12}
    assert f"{KEY}" in run("list")
    assert "v1 is live again" in run("rollback", KEY)


def test_an_invalid_document_gives_one_clear_error(tmp_path):
    rules.install_defaults()
    document = tmp_path / "bad.json"
    document.write_text(json.dumps({"text": "x", "days": "soon"}))
    with pytest.raises(CommandError, match="days: 'soon' is not of type 'integer'"):
        run("draft", KEY, str(document))
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        run("draft", KEY, str(tmp_path / "broken.json"))
    with pytest.raises(CommandError, match="no version 99"):
        run("publish", KEY, "99")
