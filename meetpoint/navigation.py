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
        chosen.append({"label": label, "url": reverse(link.url_name), "name": link.url_name})
    return chosen
