"""An iCalendar (RFC 5545) feed of public calendar items, written by hand: a few lines of a simple format."""

from datetime import UTC, datetime


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
            f"DTSTART:{_stamp(item.starts_at)}",
        ]
        if item.ends_at:
            lines.append(f"DTEND:{_stamp(item.ends_at)}")
        lines += [
            f"SUMMARY:{_escape(item.title)}",
            f"LOCATION:{_escape(item.place)}",
            f"DESCRIPTION:{_escape(item.category + ' — ' + ', '.join((item.host, *item.co_hosts)))}",
            f"URL:{base_url.rstrip('/')}/{path}/{item.id}/",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"
