"""An iCalendar (RFC 5545) feed of public calendar items, written by hand: a few lines of a simple format."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone


def _escape(text: str) -> str:
    return (
        (text or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")  # a lone CR would end the content line early (RFC 5545 3.1)
        .replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return [line]
    parts, current = [], ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return [parts[0]] + [" " + part for part in parts[1:]]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


# An event saved without an end is shown as lasting this long: RFC 5545 reads a DTSTART without DTEND as an
# instant, which calendars show as a zero-length appointment.
DEFAULT_EVENT_LENGTH = timedelta(hours=1)


def _when(item) -> list[str]:
    """DTSTART and DTEND: a take-back day is a whole day (VALUE=DATE, ending the next day as RFC 5545 3.6.1
    says); every timed event has an end."""
    if item.kind == "take_back":
        day = timezone.localtime(item.starts_at).date()
        return [
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        ]
    ends = (
        item.ends_at
        if item.ends_at and item.ends_at > item.starts_at
        else item.starts_at + DEFAULT_EVENT_LENGTH
    )
    return [f"DTSTART:{_stamp(item.starts_at)}", f"DTEND:{_stamp(ends)}"]


def feed(items, base_url: str, host: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Meetpoint//Partner events//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Meetpoint partner events",
    ]
    now = _stamp(datetime.now(UTC))
    for item in items:
        if not item.is_public:
            continue
        path = "education/events" if item.kind == "event" else "education/take-back"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.kind}-{item.id}@{host}",
            f"DTSTAMP:{now}",
            *_when(item),
        ]
        lines += [
            f"SUMMARY:{_escape(item.title)}",
            f"LOCATION:{_escape(item.place)}",
            f"DESCRIPTION:{_escape(item.category + ' — ' + ', '.join((item.host, *item.co_hosts)))}",
            f"URL:{base_url.rstrip('/')}/{path}/{item.id}/",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"
