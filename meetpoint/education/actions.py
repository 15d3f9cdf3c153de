"""Every write of the education app: events, attendance, registrations, materials, anonymous survey answers,
take-back events (invitations to co-host or partner: invitations.py). Validated first, written in one
transaction; pages, API, CLI and tests share these."""

import re
import secrets
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetpoint.accounts import audit
from meetpoint.accounts.models import Membership
from meetpoint.accounts.roles import may_edit
from meetpoint.bounds import MAX_COUNT
from meetpoint.directory.models import Location, Service
from meetpoint.education import invitations
from meetpoint.education.models import (
    Audience,
    Event,
    EventKind,
    Material,
    Registration,
    SurveyResponse,
    TakeBackEvent,
)
from meetpoint.education.questionnaires import SurveyAnswerError, all_surveys, load_survey, score
from meetpoint.forms_flow import InvalidInput, NotAllowed

AREA_CODE = re.compile(r"^(\d{3}|\d{5}|\d{11})$")  # ZIP3, county FIPS or tract FIPS
# No 0/O, 1/I/L: a short code people can copy from a screen to a phone without mistakes.
TOKEN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # noqa: S105 — an alphabet, not a secret
TOKEN_LENGTH = 8


def _require_editor(membership: Membership) -> None:
    if not membership or not may_edit(membership.role):
        raise NotAllowed(_("Only admin and staff members may do this."))


def _require_host(membership: Membership, event: Event) -> None:
    _require_editor(membership)
    if event.host_id != membership.organization_id:
        raise NotAllowed(_("Only the host organization may change this event."))


def _clean_event_fields(membership: Membership, fields: dict) -> dict:
    cleaned = dict(fields)
    if "title" in cleaned:
        cleaned["title"] = (cleaned["title"] or "").strip()
        if not cleaned["title"]:
            raise InvalidInput("title", _("Give the event a title."))
    if "kind" in cleaned and cleaned["kind"] not in EventKind.values:
        raise InvalidInput("kind", _("Unknown kind of event %(kind)r.") % {"kind": cleaned["kind"]})
    if "audience" in cleaned and cleaned["audience"] not in Audience.values:
        raise InvalidInput("audience", _("Unknown audience %(a)r.") % {"a": cleaned["audience"]})
    starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
    for name in ("starts_at", "ends_at"):
        value = cleaned.get(name)
        if isinstance(value, datetime) and timezone.is_naive(value):
            cleaned[name] = timezone.make_aware(value)
    starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
    if "starts_at" in cleaned and not isinstance(starts, datetime):
        raise InvalidInput("starts_at", _("Give the date and time the event starts."))
    if starts and ends and ends <= starts:
        raise InvalidInput("ends_at", _("The event must end after it starts."))
    if cleaned.get("area_code") and not AREA_CODE.match(cleaned["area_code"]):
        raise InvalidInput(
            "area_code", _("An area is a ZIP3 (3 digits), county (5) or tract (11) FIPS code.")
        )
    if "location_id" in cleaned:
        location_id = cleaned.pop("location_id")
        cleaned["location"] = None
        if location_id:
            location = Location.objects.filter(pk=location_id).first()
            if location is None:
                raise InvalidInput("location", _("No such directory location."))
            cleaned["location"] = location
    if "surveys" in cleaned:
        unknown = [code for code in cleaned["surveys"] or () if code not in all_surveys()]
        if unknown:
            raise InvalidInput("surveys", _("Unknown survey %(code)s.") % {"code": ", ".join(unknown)})
        cleaned["surveys"] = list(dict.fromkeys(cleaned["surveys"] or ()))
    for name in ("attendance_count", "naloxone_kits"):
        if name in cleaned and cleaned[name] is not None and int(cleaned[name]) < 0:
            raise InvalidInput(name, _("A count cannot be negative."))
        if name in cleaned and cleaned[name] is not None and int(cleaned[name]) > MAX_COUNT:
            raise InvalidInput(name, _("A count cannot be more than %(max)s.") % {"max": f"{MAX_COUNT:,}"})
    return cleaned


def create_event(membership: Membership, *, co_host_ids=(), request=None, **fields) -> Event:
    """A new event hosted by the acting organization; the organizations in `co_host_ids` are invited to
    co-host it (they are shown as co-hosts once their admin accepts)."""
    _require_editor(membership)
    fields.setdefault("title", "")
    fields.setdefault("starts_at", None)
    cleaned = _clean_event_fields(membership, fields)
    co_hosts = invitations.invitable(membership, co_host_ids, field="co_host_ids")
    with transaction.atomic():
        event = Event.objects.create(host=membership.organization, created_by=membership.user, **cleaned)
        invitations.set_invited(membership, event, co_hosts, request=request)
        audit.record(
            "education.event.created", membership=membership, obj=event, detail={"title": event.title}
        )
    return event


def update_event(membership: Membership, event: Event, *, co_host_ids=None, request=None, **fields) -> Event:
    """Changes the event; `co_host_ids`, when given, is the whole list of organizations the host invites
    (new ones are invited, those left out are withdrawn)."""
    _require_host(membership, event)
    cleaned = _clean_event_fields(membership, fields)
    return _save(membership, event, cleaned, co_host_ids, "co_host_ids", request)


def _save(membership: Membership, subject, cleaned: dict, invited_ids, field: str, request):
    """Writes the cleaned fields of an event or take-back event and, when `invited_ids` is given, the list of
    organizations it invites (checked first), in one transaction."""
    invited = None if invited_ids is None else invitations.invitable(membership, invited_ids, field=field)
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(subject, name, value)
        subject.save()
        if invited is not None:
            invitations.set_invited(membership, subject, invited, request=request)
        kind = "event" if isinstance(subject, Event) else "take_back"
        audit.record(
            f"education.{kind}.updated",
            membership=membership,
            obj=subject,
            detail={"fields": sorted(cleaned)},
        )
    return subject


def record_attendance(
    membership: Membership, event: Event, *, attendance_count: int, naloxone_kits: int | None = None
) -> Event:
    """The host records how many attended and how many naloxone kits it handed out."""
    _require_host(membership, event)
    fields = {"attendance_count": attendance_count}
    if naloxone_kits is not None:
        fields["naloxone_kits"] = naloxone_kits
    for name, value in fields.items():
        if value is None or isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(name, _("Give a whole number."))
        if value < 0:
            raise InvalidInput(name, _("A count cannot be negative."))
        if value > MAX_COUNT:
            raise InvalidInput(name, _("A count cannot be more than %(max)s.") % {"max": f"{MAX_COUNT:,}"})
    with transaction.atomic():
        Event.objects.filter(pk=event.pk).update(**fields)
        for name, value in fields.items():
            setattr(event, name, value)
        audit.record("education.attendance.recorded", membership=membership, obj=event, detail=fields)
    return event


def add_registration(
    membership: Membership, event: Event, *, name: str, contact: str = "", affiliation: str = ""
) -> Registration:
    _require_host(membership, event)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("name", _("Give the registrant's name."))
    return _register(event, name, contact, affiliation)


def _register(event: Event, name: str, contact: str, affiliation: str) -> Registration:
    with transaction.atomic():
        registration = Registration.objects.create(
            event=event,
            organization=event.host,
            name=name[:200],
            contact=(contact or "").strip()[:200],
            affiliation=(affiliation or "").strip()[:200],
        )
        # The registrant's name and contact stay out of the log: the host's list holds them.
        audit.record(
            "education.registration.added",
            organization=event.host,
            obj=registration,
            detail={"event": event.title},
        )
        return registration


def register_self(event: Event, *, name: str, contact: str = "", affiliation: str = "") -> Registration:
    """A person registers on the event's page (public events: no sign-in). Only the host sees the list."""
    if not event.registration_open:
        raise InvalidInput("name", _("This event does not take registrations here."), status=409)
    if event.starts_at < timezone.now():
        raise InvalidInput("name", _("This event has already started."), status=409)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("name", _("Give your name."))
    return _register(event, name, contact, affiliation)


def mark_attended(
    membership: Membership, event: Event, registration_ids, *, count_them: bool = True
) -> Event:
    """Tick registrants who came; with `count_them`, the attendance count becomes at least that many."""
    _require_host(membership, event)
    ids = [int(value) for value in registration_ids if str(value).isdigit()]
    with transaction.atomic():
        event.registrations.update(attended=False)
        ticked = event.registrations.filter(pk__in=ids).update(attended=True)
        if count_them and (event.attendance_count or 0) < ticked:
            event.attendance_count = ticked
            event.save(update_fields=["attendance_count"])
        audit.record(
            "education.attendance.marked", membership=membership, obj=event, detail={"attended": ticked}
        )
    return event


def add_material(
    membership: Membership,
    event: Event,
    *,
    title: str,
    url: str = "",
    file_name: str = "",
    media_type: str = "",
    language: str = "",
) -> Material:
    _require_host(membership, event)
    title = (title or "").strip()
    if not title:
        raise InvalidInput("title", _("Give the material a title."))
    if not url and not file_name:
        raise InvalidInput("url", _("Give a link or the name of the file."))
    if url and not re.match(r"^https?://", url):
        raise InvalidInput("url", _("A link starts with http:// or https://."))
    with transaction.atomic():
        material = Material.objects.create(
            event=event,
            title=title[:200],
            url=url,
            file_name=file_name[:255],
            media_type=media_type[:100],
            language=language[:10],
        )
        audit.record(
            "education.material.added",
            membership=membership,
            obj=material,
            detail={"event": event.title, "title": material.title},
        )
        return material


def new_pairing_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def normalize_token(token: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (token or "").upper())


def submit_survey(
    event: Event, *, survey_code: str, phase: str, answers: dict, pairing_token: str = ""
) -> SurveyResponse:
    """An attendee's anonymous answers. A pre survey gets a new pairing token unless it brings one (the same
    attendee answering a second survey of the event); a post survey must bring the token of its pre survey."""
    if survey_code not in (event.surveys or []):
        raise InvalidInput("survey", _("This event does not use that survey."), status=404)
    if not event.surveys_open:
        raise InvalidInput("survey", _("The host has closed the surveys for this event."), status=409)
    if phase not in SurveyResponse.Phase.values:
        raise InvalidInput("phase", _("Choose before (pre) or after (post)."))
    survey = load_survey(survey_code)
    try:
        scores = score(survey, answers)
    except SurveyAnswerError as problem:
        raise InvalidInput(problem.item, problem.message) from None
    token = normalize_token(pairing_token)
    if phase == SurveyResponse.Phase.POST:
        if not token:
            raise InvalidInput(
                "pairing_token",
                _("Enter the code you were given when you answered before the event."),
            )
        pre_exists = SurveyResponse.objects.filter(
            event=event, survey=survey_code, phase=SurveyResponse.Phase.PRE, pairing_token=token
        ).exists()
        if not pre_exists:
            raise InvalidInput(
                "pairing_token",
                _(
                    "No survey from before the event has the code %(code)s. The after-event survey only counts "
                    "when it pairs with your before-event answers: check the code."
                )
                % {"code": token},
            )
    elif not token:
        token = new_pairing_token()
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                event=event,
                survey=survey_code,
                survey_version=survey.version,
                phase=phase,
                pairing_token=token,
                answers={key: answers[key] for key in (item["id"] for item in survey.items)},
                scores=scores,
            )
            audit.record(
                "education.survey.answered",
                organization=event.host,
                obj=response,
                detail={"event": event.title, "survey": survey_code, "phase": phase},
            )
            return response
    except IntegrityError:
        raise InvalidInput(
            "pairing_token",
            _("This survey was already answered with the code %(code)s.") % {"code": token},
            409,
        ) from None


# Far above any real take-back day, far below what the database columns hold: a typo, not a 500.
TAKE_BACK_CEILING = 1_000_000


def _decimal(field: str, value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(field, _("Give a number, e.g. 42.5.")) from None
    if not number.is_finite():
        raise InvalidInput(field, _("Give a number, e.g. 42.5."))
    if number < 0:
        raise InvalidInput(field, _("A weight cannot be negative."))
    if number > TAKE_BACK_CEILING:
        raise InvalidInput(
            field,
            _("More than %(max)s is not a plausible amount; check the number.") % {"max": TAKE_BACK_CEILING},
        )
    return number.quantize(Decimal("0.1"))


def _clean_take_back(fields: dict) -> dict:
    cleaned = dict(fields)
    if "title" in cleaned:
        cleaned["title"] = (cleaned["title"] or "").strip()
        if not cleaned["title"]:
            raise InvalidInput("title", _("Give the take-back event a title."))
    if "date" in cleaned and not isinstance(cleaned["date"], date):
        raise InvalidInput("date", _("Give the date of the take-back event."))
    for name in ("pounds_collected", "sharps_pounds"):
        if name in cleaned:
            cleaned[name] = _decimal(name, cleaned[name])
    if cleaned.get("people_dropped_off") is not None and int(cleaned["people_dropped_off"]) < 0:
        raise InvalidInput("people_dropped_off", _("A count cannot be negative."))
    if (
        cleaned.get("people_dropped_off") is not None
        and int(cleaned["people_dropped_off"]) > TAKE_BACK_CEILING
    ):
        raise InvalidInput(
            "people_dropped_off",
            _("More than %(max)s is not a plausible amount; check the number.") % {"max": TAKE_BACK_CEILING},
        )
    if cleaned.get("area_code") and not AREA_CODE.match(cleaned["area_code"]):
        raise InvalidInput(
            "area_code", _("An area is a ZIP3 (3 digits), county (5) or tract (11) FIPS code.")
        )
    if "location_id" in cleaned:
        location_id = cleaned.pop("location_id")
        cleaned["location"] = Location.objects.filter(pk=location_id).first() if location_id else None
        if location_id and cleaned["location"] is None:
            raise InvalidInput("location", _("No such directory location."))
    if "permanent_box_id" in cleaned:
        box_id = cleaned.pop("permanent_box_id")
        cleaned["permanent_box"] = None
        if box_id:
            cleaned["permanent_box"] = Service.objects.filter(
                pk=box_id, taxonomy_terms__code="drug-take-back"
            ).first()
            if cleaned["permanent_box"] is None:
                raise InvalidInput("permanent_box", _("No directory service with the drug-take-back term."))
    return cleaned


def create_take_back(membership: Membership, *, partner_ids=(), request=None, **fields) -> TakeBackEvent:
    """A take-back event organized by the acting organization; the organizations in `partner_ids` are
    invited to partner in it (they are shown as partners once their admin accepts)."""
    _require_editor(membership)
    fields.setdefault("title", "")
    fields.setdefault("date", None)
    cleaned = _clean_take_back(fields)
    partners = invitations.invitable(membership, partner_ids, field="partner_ids")
    with transaction.atomic():
        take_back = TakeBackEvent.objects.create(organization=membership.organization, **cleaned)
        invitations.set_invited(membership, take_back, partners, request=request)
        audit.record(
            "education.take_back.created",
            membership=membership,
            obj=take_back,
            detail={"title": take_back.title},
        )
    return take_back


def update_take_back(
    membership: Membership, take_back: TakeBackEvent, *, partner_ids=None, request=None, **fields
) -> TakeBackEvent:
    """Changes the take-back event; `partner_ids`, when given, is the whole list of invited partners."""
    _require_editor(membership)
    if take_back.organization_id != membership.organization_id:
        raise NotAllowed(_("Only the organizing partner may change this take-back event."))
    cleaned = _clean_take_back(fields)
    return _save(membership, take_back, cleaned, partner_ids, "partner_ids", request)


def submit_answer_sheet(
    event: Event, *, phase: str, answers: dict[str, dict], pairing_token: str = ""
) -> str:
    """All of an event's surveys answered at once (one page), under one pairing token; returns the token.
    Nothing is kept unless every survey on the sheet is accepted."""
    token = normalize_token(pairing_token)
    if phase == SurveyResponse.Phase.PRE and not token:
        token = new_pairing_token()
    with transaction.atomic():
        for code in event.surveys:
            submit_survey(
                event, survey_code=code, phase=phase, answers=answers.get(code, {}), pairing_token=token
            )
    return token
