"""Directory search: the one path that the public page, the directory API and the HSDS API all use.

Interface (stable; other parts of Meetpoint call it):
    search_services(query: SearchQuery, membership=None, now=None) -> SearchPage
"""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class SearchQuery:
    text: str = ""
    taxonomy_codes: list[str] = field(default_factory=list)  # a term's children are included
    taxonomy_term_ids: list[str] = field(default_factory=list)  # HSDS taxonomy_term_id (UUIDs)
    organization_id: str | None = None
    language: str | None = None  # ISO 639 code, e.g. "es"
    free_only: bool = False
    open_now: bool = False
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    postcode: str | None = None
    modified_after: datetime | None = None
    page: int = 1
    per_page: int = 20


@dataclass
class ServiceHit:
    service: object  # directory.models.Service
    location: object | None  # the nearest matching Location (None for services with no location)
    distance_km: float | None  # set when the query names a point
    open_now: bool | None = None


@dataclass
class SearchPage:
    hits: list[ServiceHit]
    total: int
    page: int
    per_page: int

    @property
    def total_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search_services(query: SearchQuery, membership=None, now: datetime | None = None) -> SearchPage:
    raise NotImplementedError("directory search is being built")
