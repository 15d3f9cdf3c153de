"""Bounds on the integers a request may carry, checked where they are parsed: a page number, an offset or a
count beyond these is refused with a 400 naming the field, instead of reaching the database, where SQLite
overflows at 2**63 and PostgreSQL's integer columns at 2**31 (docs/security.md)."""

MAX_PAGE = 100_000  # far beyond the last page of any list Meetpoint shows
MAX_OFFSET = 10_000_000
MAX_COUNT = 1_000_000  # people at an event, kits handed out: beyond this it is a typing error
MAX_ID = 2**63 - 1  # a database key (BigAutoField)
