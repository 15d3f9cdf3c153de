"""The site's navigation, filled by each app in its AppConfig.ready(), so no app edits another's template."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    order: int = 100
    public: bool = False  # shown to people who are not signed in
    roles: frozenset[str] | None = None  # None: every signed-in member
    count: Callable | None = None  # membership -> how many things wait there, shown after the label


_links: list[NavLink] = []


def register(
    label,
    url_name: str,
    *,
    order: int = 100,
    public: bool = False,
    roles: frozenset[str] | None = None,
    count: Callable | None = None,
) -> None:
    if all(link.url_name != url_name for link in _links):
        _links.append(NavLink(label, url_name, order, public, roles, count))


def links_for(membership) -> list[dict]:
    chosen = []
    for link in sorted(_links, key=lambda link: link.order):
        if membership:
            if link.roles is not None and membership.role not in link.roles:
                continue
        elif not link.public:
            continue
        waiting = link.count(membership) if membership and link.count else 0
        label = f"{link.label} ({waiting})" if waiting else link.label
        chosen.append(
            {
                "label": label,
                "url": reverse(link.url_name),
                "name": link.url_name,
                "title": link.label,
                "count": waiting,
            }
        )
    return chosen


@dataclass(frozen=True)
class AttentionItem:
    """Something a role's home page shows when it needs attention today: a count (shown as a badge) or a note."""

    label: str
    url_name: str
    order: int = 100
    roles: frozenset[str] | None = None  # None: every member
    count: Callable | None = None  # membership -> how many things need attention (0: not shown)
    note: Callable | None = None  # membership -> a short line to show (None or "": not shown)
    urgent: bool = False  # overdue or expired: shown first, in the alarm colour


_attention: list[AttentionItem] = []


def register_attention(
    label,
    url_name: str,
    *,
    order: int = 100,
    roles: frozenset[str] | None = None,
    count: Callable | None = None,
    note: Callable | None = None,
    urgent: bool = False,
) -> None:
    """Adds an item to the role home pages' "needs attention today" list (each app, in its AppConfig.ready())."""
    if all((item.label, item.url_name) != (label, url_name) for item in _attention):
        _attention.append(AttentionItem(label, url_name, order, roles, count, note, urgent))


def attention_for(membership) -> list[dict]:
    """The items that need this member's attention now, urgent ones first; nothing for the signed-out."""
    if membership is None:
        return []
    shown = []
    for item in sorted(_attention, key=lambda item: (not item.urgent, item.order)):
        if item.roles is not None and membership.role not in item.roles:
            continue
        count = item.count(membership) if item.count else 0
        note = item.note(membership) if item.note else ""
        if count or note:
            shown.append(
                {
                    "label": item.label,
                    "url": reverse(item.url_name),
                    "count": count,
                    "note": note,
                    "urgent": item.urgent,
                }
            )
    return shown
