"""Inventory pages: stock by site with lots and expiry, receive, transfer, adjust, alerts, reconciliation.

Every member of the organization reads stock and alerts; staff and admins record. Objects of other
organizations are 404s (through queries.py).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetpoint.accounts.permissions import membership_required
from meetpoint.accounts.roles import EDITING_ROLES, may_edit
from meetpoint.inventory import actions, queries
from meetpoint.inventory.forms import AdjustmentForm, ReceiptForm, ReconcileForm, ThresholdForm, TransferForm
from meetpoint.inventory.models import StockMovement

EDITORS = frozenset(EDITING_ROLES)


def _site_filter(request: HttpRequest):
    site_id = request.GET.get("site")
    return queries.site_for(request.membership, site_id) if site_id else None


@membership_required
def stock(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    site = _site_filter(request)
    today = timezone.localdate()
    found = queries.balances(membership.organization_id, today, location=site)
    horizon = queries.expiry_warning_days()
    by_site: dict = {}
    for balance in found:
        by_site.setdefault(balance.location, []).append(balance)
    alerts = queries.alerts(membership.organization_id, today, location=site)
    return render(
        request,
        "inventory/stock.html",
        {
            "by_site": list(by_site.items()),
            "sites": queries.sites_of(membership),
            "site": site,
            "today": today,
            "horizon": horizon,
            "alerts": alerts,
            "expiring_ids": {entry.lot.pk for entry in alerts.expiring},
            "may_edit": may_edit(membership.role),
        },
    )


def _form_page(request: HttpRequest, form_class, template: str, success: str, initial: dict | None = None):
    membership = request.membership
    form = form_class(membership, request.POST or None, initial=initial or {})
    if request.method == "POST" and form.is_valid() and form.apply():
        messages.success(request, success)
        return redirect("inventory:stock")
    return render(request, template, {"form": form}, status=400 if request.method == "POST" else 200)


@membership_required(roles=EDITORS)
def receive(request: HttpRequest) -> HttpResponse:
    initial = {"location": request.GET.get("site", ""), "item": request.GET.get("item", "")}
    return _form_page(request, ReceiptForm, "inventory/receive.html", _("Receipt recorded."), initial)


@membership_required(roles=EDITORS)
def transfer(request: HttpRequest) -> HttpResponse:
    initial = {"source": request.GET.get("site", ""), "item": request.GET.get("item", "")}
    return _form_page(request, TransferForm, "inventory/transfer.html", _("Transfer recorded."), initial)


@membership_required(roles=EDITORS)
def adjust(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("lot"):
        lot = queries.lot_for(request.membership, request.GET["lot"])
        initial = {"location": str(lot.location_id), "item": lot.item.code, "lot": str(lot.pk)}
    return _form_page(request, AdjustmentForm, "inventory/adjust.html", _("Adjustment recorded."), initial)


@membership_required
def alerts(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    site = _site_filter(request)
    found = queries.alerts(membership.organization_id, timezone.localdate(), location=site)
    return render(
        request,
        "inventory/alerts.html",
        {
            "alerts": found,
            "site": site,
            "sites": queries.sites_of(membership),
            "may_edit": may_edit(membership.role),
        },
    )


@require_POST
@membership_required(roles=EDITORS)
def write_off(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = queries.lot_for(request.membership, lot_id)
    try:
        actions.write_off_expired(request.membership, lot)
    except actions.InventoryError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Expired lot written off."))
    return redirect("inventory:alerts")


@membership_required(roles=EDITORS)
def thresholds(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    form = ThresholdForm(membership, request.POST or None)
    if request.method == "POST" and form.is_valid() and form.apply():
        messages.success(request, _("Low-stock threshold saved."))
        return redirect("inventory:thresholds")
    rows = []
    set_by_org = queries.thresholds_of(membership.organization_id)
    sites = {str(site.pk): site for site in queries.sites_of(membership)}
    items = {item.pk: item for item in queries.catalog()}
    for (location_id, item_id), minimum in sorted(
        set_by_org.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])
    ):
        if item_id in items:
            rows.append({"item": items[item_id], "site": sites.get(str(location_id)), "minimum": minimum})
    defaults = [{"item": item, "minimum": queries.low_stock_default(item)} for item in items.values()]
    return render(
        request,
        "inventory/thresholds.html",
        {"form": form, "rows": rows, "defaults": defaults},
        status=400 if request.method == "POST" else 200,
    )


@membership_required
def movements(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    site = _site_filter(request)
    kind = request.GET.get("kind") if request.GET.get("kind") in StockMovement.Kind.values else None
    found = queries.movements(membership.organization_id, location=site, kind=kind)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "inventory/movements.html",
        {
            "page": page,
            "site": site,
            "kind": kind,
            "kinds": StockMovement.Kind.choices,
            "sites": queries.sites_of(membership),
        },
    )


@membership_required(roles=EDITORS)
def reconciliation(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    waiting = list(queries.unreconciled(membership.organization_id))
    forms = [
        (movement, ReconcileForm(membership, movement, prefix=str(movement.pk)), -movement.quantity)
        for movement in waiting
    ]
    return render(request, "inventory/reconciliation.html", {"forms": forms})


@require_POST
@membership_required(roles=EDITORS)
def reconcile(request: HttpRequest, movement_id) -> HttpResponse:
    membership = request.membership
    movement = queries.movement_for(membership, movement_id)
    form = ReconcileForm(membership, movement, request.POST, prefix=str(movement.pk))
    if form.is_valid() and form.apply():
        messages.success(request, _("Marked reconciled."))
        return redirect("inventory:reconciliation")
    return render(request, "inventory/reconcile.html", {"form": form, "movement": movement}, status=400)
