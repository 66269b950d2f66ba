"""Every refusal raised while the rule tests run is checked where it is raised: a message
and a hint that are whole sentences (they reach the user as they are), and a field that
names what to correct. A refusal that breaks the style fails the test that provoked it,
whatever that test checks itself."""
from __future__ import annotations

import pytest

from engine.errors import RuleViolation, render

ENDINGS = (".", ")", "?")


def check_refusal(message: str, hint: str, field: str | None) -> None:
    assert isinstance(message, str) and message.strip() == message and message, message
    assert message.endswith(ENDINGS), f"the refusal is not a sentence: {message!r}"
    if hint:
        assert hint.strip() == hint and hint.endswith(ENDINGS), \
            f"the hint is not a sentence: {hint!r}"
    assert field is None or (isinstance(field, str) and field.strip() == field and field), \
        f"the refusal names no usable field: {field!r}"


@pytest.fixture(autouse=True)
def refusals_are_sentences(monkeypatch):
    original = RuleViolation.__init__

    def checked(self, message, *, hint="", field=None, element=None, **params):
        check_refusal(render(message, params), render(hint, params), field)
        original(self, message, hint=hint, field=field, element=element, **params)

    monkeypatch.setattr(RuleViolation, "__init__", checked)


@pytest.fixture(scope="session")
def danish(tmp_path_factory):
    """A refusal as a Danish page shows it: (message, hint) from the engine catalogue,
    with Danish formats for its params."""
    from flask import Flask

    from webui import i18n

    app = Flask("rules", instance_path=str(tmp_path_factory.mktemp("instance")))
    i18n.init_app(app)

    def shown(err: RuleViolation) -> tuple[str, str]:
        with app.test_request_context():
            return i18n.error_message(err), i18n.error_hint(err)

    return shown
