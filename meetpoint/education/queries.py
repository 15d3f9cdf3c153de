"""Reads of the education app that decide who sees what: members of every partner see all events and
take-back events; the public sees those marked public; only the host's admin and staff see registrations."""

import calendar as calendar_module
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from meetpoint.accounts.roles import sees_participant_level
from meetpoint.directory.models import Service
from meetpoint.education.models import Event, Invitation, Registration, SurveyResponse, TakeBackEvent
from meetpoint.education.paired import DEFAULT_MIN_PAIRS, PairedChange, paired_change
from meetpoint.education.questionnaires import load_survey


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def min_pairs() -> int:
    return int(getattr(settings, "MEETPOINT_SURVEY_MIN_PAIRS", DEFAULT_MIN_PAIRS))


def events_visible(membership) -> QuerySet[Event]:
    events = Event.objects.select_related("host", "location").prefetch_related("invitations__organization")
    return events if membership else events.filter(is_public=True)


def event_for(membership, event_id) -> Event:
    event = events_visible(membership).filter(pk=_uuid(event_id)).first() if _uuid(event_id) else None
    if event is None:
        raise Http404("No such event.")
    return event


def hosted_event(membership, event_id) -> Event:
    """An event the acting organization hosts (for editing); any other event is a 404."""
    event = event_for(membership, event_id)
    if not membership or event.host_id != membership.organization_id:
        raise Http404("No such event hosted by your organization.")
    return event


def public_survey_event(event_id) -> Event:
    """The event behind a public survey link: anyone with the link may answer, signed in or not."""
    event = Event.objects.filter(pk=_uuid(event_id)).first() if _uuid(event_id) else None
    if event is None or not event.surveys:
        raise Http404("This event has no survey.")
    return event


def may_see_registrations(membership, event: Event) -> bool:
    return bool(
        membership and event.host_id == membership.organization_id and sees_participant_level(membership.role)
    )


def registrations_for(membership, event: Event) -> list[Registration] | None:
    """The registration list, for the host's admin and staff only; None for everyone else."""
    if not may_see_registrations(membership, event):
        return None
    return list(event.registrations.all())


def take_backs_visible(membership) -> QuerySet[TakeBackEvent]:
    take_backs = TakeBackEvent.objects.select_related("organization", "location", "permanent_box")
    take_backs = take_backs.prefetch_related("invitations__organization")
    return take_backs if membership else take_backs.filter(is_public=True)


def take_back_for(membership, take_back_id) -> TakeBackEvent:
    found = (
        take_backs_visible(membership).filter(pk=_uuid(take_back_id)).first() if _uuid(take_back_id) else None
    )
    if found is None:
        raise Http404("No such take-back event.")
    return found


def own_take_back(membership, take_back_id) -> TakeBackEvent:
    take_back = take_back_for(membership, take_back_id)
    if not membership or take_back.organization_id != membership.organization_id:
        raise Http404("No such take-back event of your organization.")
    return take_back


def invitations_of(membership) -> QuerySet[Invitation]:
    """The invitations the acting organization sent (as organizer) or received; nobody else's."""
    organization = membership.organization_id
    return Invitation.objects.filter(
        Q(organization_id=organization)
        | Q(event__host_id=organization)
        | Q(take_back__organization_id=organization)
    ).select_related("organization", "event__host", "take_back__organization")


def invitation_for(membership, invitation_id) -> Invitation:
    """An invitation the acting organization sent or received; any other is a 404."""
    found = (
        invitations_of(membership).filter(pk=_uuid(invitation_id)).first() if _uuid(invitation_id) else None
    )
    if found is None:
        raise Http404("No such invitation of your organization.")
    return found


def invited_ids(subject: Event | TakeBackEvent) -> list[str]:
    """The organizations the organizer names now (invited and not answered, or accepted): its form's list."""
    live = (Invitation.Status.PENDING, Invitation.Status.ACCEPTED)
    return [str(i.organization_id) for i in subject.invitations.all() if i.status in live]


def waiting_for_answer(membership) -> int:
    """How many invitations wait for the acting organization's answer."""
    return Invitation.objects.filter(
        organization_id=membership.organization_id, status=Invitation.Status.PENDING
    ).count()


def pending_invitations(membership, subject: Event | TakeBackEvent) -> list[Invitation]:
    """The unanswered invitations to `subject` that the acting organization may know of: all of them for the
    organizer, its own for an invited organization, none for anyone else (or the public)."""
    if not membership:
        return []
    organizer = subject.host_id if isinstance(subject, Event) else subject.organization_id
    pending = [i for i in subject.invitations.all() if i.status == Invitation.Status.PENDING]
    if organizer == membership.organization_id:
        return pending
    return [i for i in pending if i.organization_id == membership.organization_id]


def permanent_take_back_boxes() -> QuerySet[Service]:
    """Directory services tagged drug-take-back (permanent drop boxes), read-only."""
    return (
        Service.objects.filter(taxonomy_terms__code="drug-take-back", status=Service.Status.ACTIVE)
        .select_related("organization")
        .prefetch_related("service_at_locations__location")
        .distinct()
        .order_by("name")
    )


@dataclass(frozen=True)
class CalendarItem:
    kind: str  # "event" or "take_back"
    id: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    host: str
    place: str
    is_public: bool
    category: str
    co_hosts: tuple[str, ...] = ()  # co-hosts, or take-back partners, that accepted


def place_label(location, venue: str, membership) -> str:
    from meetpoint.directory.visibility import place_of

    if location is not None:
        view = place_of(location, membership)
        return location.name if view.exact else view.area
    return venue


def calendar_items(membership, start: date, end: date) -> list[CalendarItem]:
    """Events and take-back days from `start` to `end` inclusive, as this viewer may see them."""
    zone = timezone.get_current_timezone()
    first = timezone.make_aware(datetime.combine(start, time.min), zone)
    last = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone)
    items = [
        CalendarItem(
            "event",
            str(event.pk),
            event.title,
            event.starts_at,
            event.ends_at,
            event.host.name,
            place_label(event.location, event.venue, membership),
            event.is_public,
            event.get_kind_display(),
            tuple(organization.name for organization in event.co_hosts),
        )
        for event in events_visible(membership).filter(starts_at__gte=first, starts_at__lt=last)
    ]
    for take_back in take_backs_visible(membership).filter(date__gte=start, date__lte=end):
        starts = timezone.make_aware(datetime.combine(take_back.date, time(10)), zone)
        items.append(
            CalendarItem(
                "take_back",
                str(take_back.pk),
                take_back.title,
                starts,
                None,
                take_back.organization.name,
                place_label(take_back.location, take_back.venue, membership),
                take_back.is_public,
                gettext("Drug take-back"),
                tuple(organization.name for organization in take_back.partners),
            )
        )
    return sorted(items, key=lambda item: (item.starts_at, item.title))


def month_weeks(year: int, month: int, items: list[CalendarItem]) -> list[list[dict]]:
    """The month as weeks (Monday first) of days with their items, for the month grid."""
    by_day: dict[date, list[CalendarItem]] = {}
    for item in items:
        by_day.setdefault(timezone.localtime(item.starts_at).date(), []).append(item)
    weeks = []
    for week in calendar_module.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [{"date": day, "in_month": day.month == month, "items": by_day.get(day, [])} for day in week]
        )
    return weeks


@dataclass(frozen=True)
class ScaleResult:
    survey: str
    survey_title: str
    scale: str
    scale_name: str
    higher_is: str
    pairs: int
    change: PairedChange | None  # None when there are fewer pairs than the minimum
    suppressed: bool


def _pairs(responses) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """(survey, scale) -> [(pre score, post score)] for each pairing token answered both times."""
    pre: dict[tuple, dict] = {}
    post: dict[tuple, dict] = {}
    for response in responses:
        key = (response.event_id, response.survey, response.pairing_token)
        (pre if response.phase == SurveyResponse.Phase.PRE else post)[key] = response.scores
    paired: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for key, before in pre.items():
        after = post.get(key)
        if after is None:
            continue
        for scale, value in before.items():
            if scale in after:
                paired.setdefault((key[1], scale), []).append((float(value), float(after[scale])))
    return paired


def survey_results(events, language: str = "en") -> list[ScaleResult]:
    """Paired change per survey scale over the given events, suppressed below the minimum number of pairs."""
    responses = SurveyResponse.objects.filter(event__in=events).only(
        "event", "survey", "pairing_token", "phase", "scores"
    )
    threshold = min_pairs()
    results = []
    for (survey_code, scale_code), pairs in sorted(_pairs(responses).items()):
        survey = load_survey(survey_code)
        scale = survey.scale(scale_code)
        enough = len(pairs) >= max(threshold, 2)
        change = paired_change([a for a, _ in pairs], [b for _, b in pairs]) if enough else None
        results.append(
            ScaleResult(
                survey=survey_code,
                survey_title=survey.title_in(language),
                scale=scale_code,
                scale_name=scale["name"].get(language) or scale["name"]["en"],
                higher_is=scale.get("higher_is", {}).get(language, ""),
                pairs=len(pairs),
                change=change,
                suppressed=not enough,
            )
        )
    return results


def response_counts(event: Event) -> dict[str, int]:
    counts = {"pre": 0, "post": 0}
    for phase in event.survey_responses.values_list("phase", flat=True):
        counts[phase] += 1
    return counts
