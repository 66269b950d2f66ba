"""The helpers BPMN scripts call: dates come back as ISO text, under the rule's name."""
from __future__ import annotations

from engine.rules import SCRIPT_HELPERS, deadlines


def test_date_helpers_return_iso_text_and_keep_the_rules_name_and_doc():
    helper = SCRIPT_HELPERS["calculate_standstill_end"]
    assert helper("2026-03-26", True) == "2026-04-07"
    assert helper("2026-03-26", electronic=False) == \
        deadlines.standstill_end("2026-03-26", False).isoformat()
    assert helper.__name__ == "standstill_end"
    assert helper.__doc__ == deadlines.standstill_end.__doc__
    assert SCRIPT_HELPERS["earliest_application_deadline"]("2025-09-15") == "2025-10-15"
