"""Pages: events and their results, the shared calendar (and its iCalendar feed), the public pre/post
survey, and take-back events (invitations to co-host or partner: invitation_views.py)."""

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetpoint import forms_flow
from meetpoint.accounts.permissions import membership_required
from meetpoint.accounts.roles import EDITING_ROLES
from meetpoint.education import actions, ical, queries
from meetpoint.education.forms import AttendanceForm, EventForm, MaterialForm, RegistrationForm, TakeBackForm
from meetpoint.education.models import Audience, Event, EventKind, SurveyResponse, TakeBackEvent
from meetpoint.education.questionnaires import load_survey

EDITORS = frozenset(EDITING_ROLES)
COOKIE_PREFIX = "mp_pair_"


@membership_required
def event_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    events = queries.events_visible(request.membership)
    mine = request.GET.get("mine") == "1"
    if mine:
        events = events.filter(host=request.membership.organization)
    return render(
        request,
        "education/event_list.html",
        {
            "upcoming": events.filter(starts_at__gte=now - timedelta(hours=12))[:100],
            "past": events.filter(starts_at__lt=now - timedelta(hours=12)).order_by("-starts_at")[:100],
            "mine": mine,
            "may_edit": request.membership.may_edit,
        },
    )


def _event_fields(cleaned_data: dict) -> dict:
    return {**cleaned_data, "location_id": cleaned_data.get("location_id") or None}


def _to_event(event: Event) -> HttpResponse:
    return redirect("education:event", event_id=event.pk)


@membership_required(roles=EDITORS)
def event_new(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.membership, request.POST or None)
    return forms_flow.submit(
        request,
        form,
        lambda data: actions.create_event(request.membership, request=request, **_event_fields(data)),
        done=_("Event created."),
        then=_to_event,
        page=forms_flow.form_page(request, "education/event_form.html", {"form": form, "event": None}),
    )


@membership_required(roles=EDITORS)
def event_edit(request: HttpRequest, event_id) -> HttpResponse:
    event = queries.hosted_event(request.membership, event_id)
    initial = {
        "title": event.title,
        "kind": event.kind,
        "audience": event.audience,
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at) if event.ends_at else None,
        "location_id": str(event.location_id or ""),
        "venue": event.venue,
        "area_code": event.area_code,
        "description": event.description,
        "co_host_ids": queries.invited_ids(event),
        "surveys": event.surveys,
        "is_public": event.is_public,
        "surveys_open": event.surveys_open,
        "registration_open": event.registration_open,
    }
    form = EventForm(request.membership, request.POST or None, initial=initial)
    return forms_flow.submit(
        request,
        form,
        lambda data: actions.update_event(request.membership, event, request=request, **_event_fields(data)),
        done=_("Event saved."),
        then=_to_event,
        page=forms_flow.form_page(request, "education/event_form.html", {"form": form, "event": event}),
    )


def event_detail(request: HttpRequest, event_id) -> HttpResponse:
    """Public events are public; the rest are for signed-in partner members."""
    membership = getattr(request, "membership", None)
    event = queries.event_for(membership, event_id)
    is_host_editor = bool(membership and membership.organization_id == event.host_id and membership.may_edit)
    context = {
        "event": event,
        "place": queries.place_label(event.location, event.venue, membership),
        "registrations": queries.registrations_for(membership, event),
        "registration_count": event.registrations.count(),
        "is_host_editor": is_host_editor,
        "attendance_form": AttendanceForm(
            initial={"attendance_count": event.attendance_count, "naloxone_kits": event.naloxone_kits}
        ),
        "registration_form": RegistrationForm(),
        "material_form": MaterialForm(),
        "survey_url": request.build_absolute_uri(reverse("education:survey", args=[event.pk]))
        if event.surveys
        else "",
        "response_counts": queries.response_counts(event) if membership else None,
        "survey_titles": [load_survey(code).title_in(get_language() or "en") for code in event.surveys],
        "self_registration": event.registration_open and event.starts_at > timezone.now(),
        "pending_invitations": queries.pending_invitations(membership, event),
        "is_organizer": bool(membership and membership.organization_id == event.host_id),
    }
    return render(request, "education/event_detail.html", context)


@require_POST
def event_register(request: HttpRequest, event_id) -> HttpResponse:
    """Registering oneself for an event that takes registrations (public events: no sign-in)."""
    membership = getattr(request, "membership", None)
    event = queries.event_for(membership, event_id)
    form = RegistrationForm(request.POST)
    return forms_flow.submit(
        request,
        form,
        lambda data: actions.register_self(event, **data),
        then=lambda _: render(request, "education/registered.html", {"event": event}),
        page=lambda status: _form_problem_page(request, event, form, status),
    )


def _form_problem_page(request: HttpRequest, event: Event, form, status: int) -> HttpResponse:
    return render(request, "education/form_problem.html", {"event": event, "form": form}, status=status)


def _host_form(form_class, action, done):
    """A form the host's admin or staff post from the event's page: back to the event once saved."""
    return forms_flow.posted_about(
        queries.hosted_event,
        form_class,
        action,
        roles=EDITORS,
        done=done,
        then=_to_event,
        page=_form_problem_page,
    )


event_attendance = _host_form(AttendanceForm, actions.record_attendance, gettext_lazy("Attendance recorded."))
event_material = _host_form(MaterialForm, actions.add_material, gettext_lazy("Material added."))
_add_registration = _host_form(
    RegistrationForm, actions.add_registration, gettext_lazy("Registration added.")
)


@require_POST
@membership_required(roles=EDITORS)
def event_registration(request: HttpRequest, event_id) -> HttpResponse:
    """Ticks who came (the list's form) or adds a registration."""
    if "attended" not in request.POST:
        return _add_registration(request, event_id=event_id)
    event = queries.hosted_event(request.membership, event_id)
    actions.mark_attended(request.membership, event, request.POST.getlist("attended"))
    messages.success(request, _("Attendance from the registration list recorded."))
    return _to_event(event)


@membership_required
def event_results(request: HttpRequest, event_id) -> HttpResponse:
    event = queries.event_for(request.membership, event_id)
    results = queries.survey_results([event], get_language() or "en")
    return render(
        request,
        "education/results.html",
        {"event": event, "results": results, "min_pairs": queries.min_pairs(), "title": event.title},
    )


@membership_required
def program_results(request: HttpRequest) -> HttpResponse:
    """Paired change per program: a kind of event for an audience, over all partners' events."""
    kind = request.GET.get("kind") or ""
    audience = request.GET.get("audience") or ""
    events = queries.events_visible(request.membership).exclude(surveys=[])
    if kind:
        events = events.filter(kind=kind)
    if audience:
        events = events.filter(audience=audience)
    groups = []
    combos = sorted(set(events.values_list("kind", "audience")))
    for combo_kind, combo_audience in combos:
        group_events = [e for e in events if e.kind == combo_kind and e.audience == combo_audience]
        groups.append(
            {
                "kind": EventKind(combo_kind).label,
                "audience": Audience(combo_audience).label,
                "events": len(group_events),
                "results": queries.survey_results(group_events, get_language() or "en"),
            }
        )
    return render(
        request,
        "education/program_results.html",
        {
            "groups": groups,
            "kinds": EventKind.choices,
            "audiences": Audience.choices,
            "kind": kind,
            "audience": audience,
            "min_pairs": queries.min_pairs(),
        },
    )


def _month_arg(raw: str | None) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)


def calendar(request: HttpRequest) -> HttpResponse:
    """All partners' events for members; public events for everyone else. Month grid or list."""
    membership = getattr(request, "membership", None)
    first = _month_arg(request.GET.get("month"))
    next_month = (first + timedelta(days=32)).replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    view = "month" if request.GET.get("view") == "month" else "list"
    items = queries.calendar_items(membership, first, next_month - timedelta(days=1))
    return render(
        request,
        "education/calendar.html",
        {
            "items": items,
            "weeks": queries.month_weeks(first.year, first.month, items) if view == "month" else None,
            "first": first,
            "next": next_month.strftime("%Y-%m"),
            "previous": previous.strftime("%Y-%m"),
            "this": first.strftime("%Y-%m"),
            "view": view,
            "today": timezone.localdate(),
        },
    )


def calendar_feed(request: HttpRequest) -> HttpResponse:
    """iCalendar (RFC 5545) feed of public events from 30 days ago to a year ahead."""
    today = timezone.localdate()
    items = queries.calendar_items(None, today - timedelta(days=30), today + timedelta(days=366))
    body = ical.feed(items, request.build_absolute_uri("/"), request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetpoint-events.ics"'
    return response


def survey(request: HttpRequest, event_id) -> HttpResponse:
    """The public survey page of an event: before or after, anonymous, no sign-in."""
    event = queries.public_survey_event(event_id)
    phase = request.GET.get("phase") or request.POST.get("phase") or ""
    language = get_language() or "en"
    cookie_name = f"{COOKIE_PREFIX}{event.pk.hex}"
    token = request.COOKIES.get(cookie_name, "")
    if phase not in SurveyResponse.Phase.values:
        return render(request, "education/survey_start.html", {"event": event, "token": token})
    surveys = [load_survey(code) for code in event.surveys]
    errors: dict[str, str] = {}
    status = 200
    answers_by_survey = {}
    if request.method == "POST":
        answers_by_survey = {
            s.code: {item["id"]: request.POST.get(f"{s.code}:{item['id']}", "") for item in s.items}
            for s in surveys
        }
        entered = request.POST.get("pairing_token", "")
        try:
            token = actions.submit_answer_sheet(
                event, phase=phase, answers=answers_by_survey, pairing_token=entered
            )
        except actions.InvalidInput as problem:
            errors[problem.field] = problem.message
            status = problem.status
        else:
            response = render(
                request, "education/survey_done.html", {"event": event, "phase": phase, "token": token}
            )
            if phase == SurveyResponse.Phase.PRE:
                response.set_cookie(
                    cookie_name,
                    token,
                    max_age=60 * 60 * 24 * 30,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return response
    sheets = []
    for s in surveys:
        items = []
        for item in s.items:
            key = f"{s.code}:{item['id']}"
            items.append(
                {
                    "name": key,
                    "text": item["text"].get(language) or item["text"]["en"],
                    "options": [
                        {"value": str(o["value"]), "text": o["text"].get(language) or o["text"]["en"]}
                        for o in s.options_for(item)
                    ],
                    "chosen": answers_by_survey.get(s.code, {}).get(item["id"], ""),
                    "error": errors.get(item["id"]) if errors else "",
                }
            )
        sheets.append({"title": s.title_in(language), "items": items})
    return render(
        request,
        "education/survey_form.html",
        {
            "event": event,
            "phase": phase,
            "sheets": sheets,
            "token": request.POST.get("pairing_token", token),
            "errors": errors,
        },
        status=status,
    )


def take_back_list(request: HttpRequest) -> HttpResponse:
    membership = getattr(request, "membership", None)
    return render(
        request,
        "education/take_back_list.html",
        {
            "take_backs": queries.take_backs_visible(membership)[:200],
            "boxes": queries.permanent_take_back_boxes()[:200],
            "may_edit": bool(membership and membership.may_edit),
        },
    )


def _take_back_fields(cleaned_data: dict) -> dict:
    return {
        **cleaned_data,
        "location_id": cleaned_data.get("location_id") or None,
        "permanent_box_id": cleaned_data.get("permanent_box_id") or None,
    }


def _to_take_back(take_back: TakeBackEvent) -> HttpResponse:
    return redirect("education:take_back", take_back_id=take_back.pk)


@membership_required(roles=EDITORS)
def take_back_new(request: HttpRequest) -> HttpResponse:
    form = TakeBackForm(request.membership, request.POST or None)
    return forms_flow.submit(
        request,
        form,
        lambda data: actions.create_take_back(request.membership, request=request, **_take_back_fields(data)),
        done=_("Take-back event recorded."),
        then=_to_take_back,
        page=forms_flow.form_page(
            request, "education/take_back_form.html", {"form": form, "take_back": None}
        ),
    )


@membership_required(roles=EDITORS)
def take_back_edit(request: HttpRequest, take_back_id) -> HttpResponse:
    take_back = queries.own_take_back(request.membership, take_back_id)
    initial = {
        "title": take_back.title,
        "date": take_back.date,
        "location_id": str(take_back.location_id or ""),
        "venue": take_back.venue,
        "area_code": take_back.area_code,
        "partner_ids": queries.invited_ids(take_back),
        "pounds_collected": take_back.pounds_collected,
        "people_dropped_off": take_back.people_dropped_off,
        "sharps_pounds": take_back.sharps_pounds,
        "permanent_box_id": str(take_back.permanent_box_id or ""),
        "notes": take_back.notes,
        "is_public": take_back.is_public,
    }
    form = TakeBackForm(request.membership, request.POST or None, initial=initial)
    return forms_flow.submit(
        request,
        form,
        lambda data: actions.update_take_back(
            request.membership, take_back, request=request, **_take_back_fields(data)
        ),
        done=_("Take-back event saved."),
        then=_to_take_back,
        page=forms_flow.form_page(
            request, "education/take_back_form.html", {"form": form, "take_back": take_back}
        ),
    )


def take_back_detail(request: HttpRequest, take_back_id) -> HttpResponse:
    membership = getattr(request, "membership", None)
    take_back = queries.take_back_for(membership, take_back_id)
    return render(
        request,
        "education/take_back_detail.html",
        {
            "take_back": take_back,
            "place": queries.place_label(take_back.location, take_back.venue, membership),
            "may_edit": bool(
                membership and membership.may_edit and membership.organization_id == take_back.organization_id
            ),
            "pending_invitations": queries.pending_invitations(membership, take_back),
            "is_organizer": bool(membership and membership.organization_id == take_back.organization_id),
        },
    )
