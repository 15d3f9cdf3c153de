"""Coalition dashboards kept in Django's cache with their charts drawn, so a view reads two small lists and one
cache entry instead of every package's contents, and draws nothing.

What a dashboard shows is a function of, and its key a SHA-256 of, exactly these:
- the recipient organization (so no organization ever reads another's entry, even for equal figures);
- the packages it received under agreements in force today: each package's id, checksum (SHA-256 of its
  contents, which are never edited), period label and dates, and its sharer's name — so a new package, an
  agreement that starts, ends or expires, or a partner's new name gives a new key;
- the period and the map indicator asked for, each only when it is one the inbox has (anything else shows
  the default, and so shares the default's entry: a made-up query string cannot fill the cache);
- the language of the page (the charts' descriptions are translated);
- FORMAT, raised whenever the Dashboard dataclass changes shape, so an entry of an older release is never
  read as the new one.
Nothing is ever invalidated: a change gives a new key, and unused entries age out (TIMEOUT, and the cache's
own culling). The key is read with two indexed queries that load no package contents (`inbox_digest`); a
dashboard built afresh is built from, and stored under the key of, the very packages it read.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

from django.core.cache import cache

from meetpoint.outcomes.models import SharedPackage, SharingAgreement

logger = logging.getLogger(__name__)

FORMAT = 1
TIMEOUT = 24 * 3600  # the key holds the agreements in force today, so an entry is seldom useful longer
PACKAGE_FIELDS = ("id", "checksum", "period_label", "period_start", "period_end", "agreement_id")
AGREEMENT_FIELDS = (
    "sharer_accepted_at",
    "recipient_accepted_at",
    "ended_at",
    "valid_from",
    "valid_until",
    "indicators",
    "sharer__name",
)


@dataclass(frozen=True)
class Digest:
    """What the dashboard of one organization reads, summed up without the package contents."""

    organization_id: str
    packages: tuple  # (id, checksum, label, start, end, sharer name) of each package in force, sorted
    periods: frozenset[str]
    indicators: frozenset[str]

    def chosen(self, period: str | None, map_indicator: str | None) -> tuple[str | None, str | None]:
        """The period and map indicator asked for, each None (the default) unless the inbox has it. A dashboard
        is built with these, so that it is exactly the one its key names."""
        return (
            period if period in self.periods else None,
            map_indicator if map_indicator in self.indicators else None,
        )

    def key(self, period: str | None, map_indicator: str | None, language: str) -> str:
        chosen = self.chosen(period, map_indicator)
        text = json.dumps([FORMAT, self.organization_id, language, chosen, self.packages], default=str)
        return "outcomes:dashboard:" + hashlib.sha256(text.encode()).hexdigest()


def digest(organization, packages, agreements: dict, today) -> Digest:
    """`packages`: PACKAGE_FIELDS tuples; `agreements`: id -> SharingAgreement (with its sharer's name)."""
    in_force = {pk for pk, agreement in agreements.items() if agreement.in_force(today)}
    kept = [row for row in packages if row[5] in in_force]
    return Digest(
        organization_id=str(organization.pk),
        packages=tuple(
            sorted(
                (str(pk), checksum, label, start, end, agreements[agreement].sharer.name)
                for pk, checksum, label, start, end, agreement in kept
            )
        ),
        periods=frozenset(row[2] for row in kept),
        indicators=frozenset(code for pk in {row[5] for row in kept} for code in agreements[pk].indicators),
    )


def inbox_digest(organization, today) -> Digest:
    """The digest read from the database: two indexed queries (by recipient), no package contents."""
    agreements = SharingAgreement.objects.filter(recipient=organization).select_related("sharer")
    return digest(
        organization,
        SharedPackage.objects.filter(
            agreement__recipient=organization, superseded_at__isnull=True, withdrawn_at__isnull=True
        ).values_list(*PACKAGE_FIELDS),
        {agreement.pk: agreement for agreement in agreements.only(*AGREEMENT_FIELDS)},
        today,
    )


def read(key: str):
    """The stored dashboard, or None. An entry that cannot be read (a broken file) counts as absent."""
    try:
        return cache.get(key)
    except Exception:  # the page is built afresh: a cache must never break it
        logger.warning("unreadable coalition dashboard cache entry %s", key, exc_info=True)
        return None


def write(key: str, board) -> None:
    try:
        cache.set(key, board, TIMEOUT)
    except OSError:  # e.g. a full disk: the page is still right, only the next view is slower
        logger.warning("could not store the coalition dashboard under %s", key, exc_info=True)
