"""Outreach pages: quick entry (works offline as a PWA), the unit's numbers, overdose reports, possible
duplicate participants and the participant code recipe."""

import base64
import json
import uuid
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from meetpoint.accounts import audit
from meetpoint.accounts.permissions import membership_required
from meetpoint.outreach import actions, queries
from meetpoint.outreach.models import (
    CollectedMethod,
    NaloxoneKitStatus,
    OverdoseReport,
    RefillReason,
    Setting,
    TestResult,
    Vaccination,
)
from meetpoint.outreach.places import SUBSTANCES
from meetpoint.outreach.records import EncounterIn, OverdoseIn
from meetpoint.outreach.rules import entry_rules
from meetpoint.outreach.summary import summarize
from meetpoint.participants import actions as participant_actions
from meetpoint.participants import queries as participant_queries
from meetpoint.participants.recipe import PARTS, RecipeError

RECORDERS = frozenset({"admin", "staff"})
# Shown first as big counters; every other active catalog item sits under "More supplies".
COMMON_ITEMS = (
    "syringe-1ml-28g",
    "naloxone-nasal-4mg",
    "fentanyl-test-strip",
    "xylazine-test-strip",
    "wound-care-kit",
    "safer-smoking-kit",
)
SESSION_DEFAULTS = "outreach_defaults"  # {"site": id of the last encounter's site}


def _int(value, default: int = 0) -> int:
    if value is None:
        return default
    try:
        return int(str(value).strip() or default)
    except ValueError:
        return -1  # caught by validation as "must not be negative"


def record_from_post(post, catalog) -> dict:
    """The same JSON shape the offline page syncs, from a plain form post (no JavaScript)."""
    answers = {
        key: post.get(f"answer_{key}", "").strip() for key in PARTS if post.get(f"answer_{key}", "").strip()
    }
    record = {
        "client_uuid": post.get("client_uuid") or str(uuid.uuid4()),
        "occurred_at": post.get("occurred_at") or timezone.now().isoformat(),
        "site": post.get("site") or None,
        "setting": post.get("setting") or None,
        "stop_name": post.get("stop_name", ""),
        "participant_code": post.get("participant_code", ""),
        "code_answers": answers or None,
        "supplies": [
            {"item": code, "quantity": _int(post.get(f"item_{code}"))}
            for code in catalog
            if post.get(f"item_{code}", "").strip() not in ("", "0")
        ],
        "syringes_collected": _int(post.get("syringes_collected")),
        "collected_method": post.get("collected_method", ""),
        "collected_measure": post.get("collected_measure") or None,
        "secondary_for_people": _int(post.get("secondary_for_people")),
        "naloxone_kit_status": post.get("naloxone_kit_status", ""),
        "refill_reason": post.get("refill_reason", ""),
        "wound_care": bool(post.get("wound_care")),
        "overdose_education": bool(post.get("overdose_education")),
        "vaccination": post.get("vaccination", ""),
        "referrals_made": _int(post.get("referrals_made")),
        "reversals_reported": _int(post.get("reversals_reported")),
    }
    for test in ("hiv", "hcv", "sti"):
        record[f"{test}_test"] = post.get(f"{test}_test", "")
        record[f"{test}_linked"] = bool(post.get(f"{test}_linked"))
    return record


def device_queue_key(user) -> dict:
    """The key that seals this worker's waiting records on the phone (entry.js), and its id. It is derived from
    the site's secret and the user, so the same worker gets it back at the next sign-in, and it reaches the phone
    only inside the signed-in entry page, which sign-out removes from the phone."""
    key = salted_hmac("meetpoint.outreach.device-queue", str(user.pk), algorithm="sha256").digest()
    key_id = salted_hmac("meetpoint.outreach.device-queue-id", str(user.pk), algorithm="sha256").hexdigest()
    return {"key": base64.b64encode(key).decode(), "id": key_id[:16]}


def _remember(request, record: dict) -> None:
    """The next encounter starts at the same site (its counters start at 0)."""
    request.session[SESSION_DEFAULTS] = {"site": record.get("site"), "items": {}}


@membership_required(roles=RECORDERS)
def entry(request):
    """Quick entry: one screen, big +/- counters; the JavaScript queues offline, the plain form posts."""
    membership = request.membership
    catalog = actions.supply_catalog()
    errors: list[str] = []
    if request.method == "POST":
        raw = record_from_post(request.POST, catalog)
        try:
            actions.record_encounter(
                membership, EncounterIn.model_validate(raw), source="web", catalog=catalog
            )
        except ValidationError as error:
            errors = [f"{'.'.join(map(str, problem['loc']))}: {problem['msg']}" for problem in error.errors()]
        except actions.OutreachError as error:
            errors = error.problems
        else:
            _remember(request, raw)
            messages.success(request, _("Encounter saved."))
            return redirect("outreach:entry")
    defaults = request.session.get(SESSION_DEFAULTS, {"site": None, "items": {}})
    sites = list(queries.sites_of(membership))
    site_id = request.POST.get("site") if errors else defaults.get("site")
    if not site_id and sites:
        site_id = str(sites[0].pk)
    recent = queries.recent_encounters(membership, 10)
    audit.record_list("outreach.encounter.list", request=request, count=len(recent), filters={"recent": 10})
    # This organization's most handed-out supplies first; every counter starts at 0 for each encounter.
    common = queries.common_items(membership, COMMON_ITEMS)
    naloxone = [item for item in catalog.values() if item.category == "naloxone"]
    main_naloxone = next(
        (item for item in naloxone if item.code in common), naloxone[0] if naloxone else None
    )
    items = sorted(
        (item for item in catalog.values() if item is not main_naloxone),
        key=lambda item: (
            item.code not in common,
            common.index(item.code) if item.code in common else 0,
            item.name,
        ),
    )
    counters = [
        {
            "item": item,
            "value": request.POST.get(f"item_{item.code}", "0") if errors else 0,
            "common": item.code in common,
        }
        for item in items
    ]
    context = {
        "sites": sites,
        "site_id": site_id,
        "counters": [counter for counter in counters if counter["common"]],
        "more_counters": [counter for counter in counters if not counter["common"]],
        "errors": errors,
        "client_uuid": uuid.uuid4(),
        "recipe": [PARTS[key] for key in participant_actions.recipe_of(membership.organization)],
        "settings": Setting.choices,
        "collected_methods": CollectedMethod.choices,
        "kit_statuses": NaloxoneKitStatus.choices,
        "refill_reasons": RefillReason.choices,
        "vaccinations": Vaccination.choices,
        "test_results": TestResult.choices,
        "tests": (("hiv", "HIV"), ("hcv", "HCV"), ("sti", "STI")),
        "naloxone": main_naloxone,
        "naloxone_value": request.POST.get(f"item_{main_naloxone.code}", "0")
        if errors and main_naloxone
        else 0,
        "rules_json": json.dumps(entry_rules(catalog)),
        "queue_key": device_queue_key(request.user),
        "recent": recent,
        "post": request.POST if errors else {},
    }
    return render(request, "outreach/entry.html", context, status=400 if errors else 200)


def service_worker(request):
    """The service worker, served from /outreach/ so its scope covers the outreach pages."""
    body = render_to_string("outreach/sw.js", {"entry_url": reverse("outreach:entry")}, request=request)
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # browsers check for a new worker on every visit
    return response


def manifest(request):
    body = {
        "name": "Meetpoint outreach",
        "short_name": "Outreach",
        "start_url": reverse("outreach:entry"),
        "scope": reverse("outreach:entry"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5c8a",
        "icons": [
            {
                "src": request.build_absolute_uri("/static/outreach/icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            }
        ],
    }
    return HttpResponse(json.dumps(body), content_type="application/manifest+json")


def _date_range(request):
    today = timezone.localdate()

    def day(name: str):
        try:
            return parse_date(request.GET.get(name, "") or "")
        except ValueError:  # well formed but impossible, e.g. 2026-02-30
            return None

    return day("from") or today - timedelta(days=29), day("to") or today


@membership_required
def summary_page(request):
    """The unit's own numbers for a date range and site; every member of the organization may see them."""
    membership = request.membership
    start, end = _date_range(request)
    site = queries.site_for(membership, request.GET["site"]) if request.GET.get("site") else None
    error = _("The end date is before the start date.") if end < start else ""
    numbers = (
        None if error else summarize([membership.organization_id], start, end, [site.pk] if site else None)
    )
    return render(
        request,
        "outreach/summary.html",
        {
            "numbers": numbers,
            "items": _item_labels(numbers["items"]) if numbers else [],
            "start": start,
            "end": end,
            "site": site,
            "sites": queries.sites_of(membership),
            "error": error,
        },
        status=400 if error else 200,
    )


def _item_labels(quantities: dict[str, int]) -> list[tuple[str, int]]:
    """Each supply code with the name a person reads, in the catalog's order."""
    from meetpoint.inventory.models import SupplyItem

    items = SupplyItem.objects.filter(code__in=quantities)
    return [(item.label, quantities[item.code]) for item in items]


@membership_required
def overdoses(request):
    """Overdose reports (no identity): every member reads them; staff and admins record them."""
    membership = request.membership
    errors: list[str] = []
    if request.method == "POST":
        if membership.role not in RECORDERS:
            raise PermissionDenied(_("Your role may not record overdose reports."))
        raw = {
            "client_uuid": request.POST.get("client_uuid") or str(uuid.uuid4()),
            "occurred_at": request.POST.get("occurred_at", ""),
            "place_kind": request.POST.get("place_kind", ""),
            "site": request.POST.get("site") or None,
            "stop_name": request.POST.get("stop_name", ""),
            "block_group": request.POST.get("block_group", ""),
            "grid_cell": request.POST.get("grid_cell", ""),
            "fatal": request.POST.get("fatal") == "yes",
            "naloxone_doses_bystander": _int(request.POST.get("naloxone_doses_bystander")),
            "naloxone_doses_ems": _int(request.POST.get("naloxone_doses_ems")),
            "naloxone_doses_staff": _int(request.POST.get("naloxone_doses_staff")),
            "called_911": request.POST.get("called_911", "unknown"),
            "substances": request.POST.getlist("substances"),
            "reported_by": request.POST.get("reported_by", "staff"),
        }
        try:
            actions.record_overdose(membership, OverdoseIn.model_validate(raw))
        except ValidationError as error:
            errors = [f"{'.'.join(map(str, problem['loc']))}: {problem['msg']}" for problem in error.errors()]
        except actions.OutreachError as error:
            errors = error.problems
        else:
            messages.success(request, _("Overdose report saved."))
            return redirect("outreach:overdoses")
    reports = queries.overdose_reports(membership)[:100]
    audit.record_list("outreach.overdose.list", request=request, count=len(reports), filters={"newest": 100})
    return render(
        request,
        "outreach/overdoses.html",
        {
            "reports": reports,
            "may_record": membership.role in RECORDERS,
            "errors": errors,
            "post": request.POST if errors else {},
            "client_uuid": uuid.uuid4(),
            "sites": queries.sites_of(membership),
            "place_kinds": OverdoseReport.PlaceKind.choices,
            "called_choices": OverdoseReport.Called911.choices,
            "reporters": OverdoseReport.ReportedBy.choices,
            "substances": SUBSTANCES,
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
        status=400 if errors else 200,
    )


@membership_required(roles=RECORDERS)
def duplicates(request):
    """Possible duplicate participants (codes one character apart) for staff to merge or dismiss."""
    found = participant_queries.open_duplicates(request.membership)
    audit.record_list(
        "participants.duplicate.list", request=request, count=len(found), filters={"status": "open"}
    )
    return render(request, "outreach/duplicates.html", {"duplicates": found})


@require_POST
@membership_required(roles=RECORDERS)
def resolve_duplicate(request, pk: int, decision: str):
    duplicate = participant_queries.duplicate_for(request.membership, pk)
    if decision == "merge":
        try:
            participant_actions.merge_participants(request.membership, duplicate)
        except participant_actions.ParticipantError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Participants merged: their encounters now count as one person."))
    elif decision == "dismiss":
        participant_actions.dismiss_duplicate(request.membership, duplicate)
        messages.success(request, _("Marked as different people."))
    else:
        raise Http404("Unknown decision.")
    return redirect("outreach:duplicates")


@membership_required(roles=frozenset({"admin"}))
def recipe(request):
    """The organization's participant code recipe (admins)."""
    membership = request.membership
    error = ""
    if request.method == "POST":
        parts = [request.POST.get(f"part_{index}", "") for index in range(len(PARTS))]
        parts = [part for part in parts if part]
        try:
            participant_actions.set_recipe(membership, parts)
        except RecipeError as problem:
            error = str(problem)
        else:
            messages.success(request, _("Participant code recipe saved."))
            return redirect("outreach:recipe")
    current = list(participant_actions.recipe_of(membership.organization))
    slots = [current[index] if index < len(current) else "" for index in range(len(PARTS))]
    if error:
        return HttpResponseBadRequest(
            render_to_string(
                "outreach/recipe.html", {"slots": slots, "parts": PARTS, "error": error}, request=request
            )
        )
    return render(request, "outreach/recipe.html", {"slots": slots, "parts": PARTS, "error": error})
