"""A title with a lone carriage return stays one content line of the iCalendar feed (RFC 5545 3.1)."""

from datetime import UTC, datetime
from types import SimpleNamespace

from meetpoint.education import ical


def test_a_lone_carriage_return_in_a_title_is_escaped():
    item = SimpleNamespace(
        is_public=True,
        kind="event",
        id=7,
        starts_at=datetime(2026, 12, 5, 15, tzinfo=UTC),
        ends_at=None,
        title="Naloxone training\rX-INJECTED:yes",
        place="Library\r\nRoom 2",
        category="Training",
        host="Riverbend",
        co_hosts=(),
    )
    text = ical.feed([item], "https://meetpoint.example/", "meetpoint.example")
    lines = text.split("\r\n")
    assert "X-INJECTED:yes" not in lines
    assert "\r" not in "".join(lines)
    assert any(line.startswith("SUMMARY:Naloxone training\\nX-INJECTED:yes") for line in lines)
