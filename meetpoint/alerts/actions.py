"""Every write of the alerts app: alerts opened, escalated and closed by detection; acknowledged, annotated,
published and closed by people; drug-checking samples and their confirmations; subscriptions. Each validates
first, writes in one transaction and leaves an audit event."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetpoint.accounts import audit
from meetpoint.accounts.roles import Role
from meetpoint.alerts import areas, substances
from meetpoint.alerts.episodes import QUIET_DAYS
from meetpoint.alerts.models import (
    Alert,
    AlertEvent,
    AlertKind,
    AlertStatus,
    Channel,
    CheckMethod,
    Delivery,
    Sample,
    SampleTest,
    Subscription,
    SubstanceOfConcern,
)
from meetpoint.errors import ActionError, NotAllowed, NotFound

RESPONDERS = frozenset({Role.ADMIN, Role.STAFF, Role.ANALYST})  # may acknowledge, annotate and close
RECORDERS = frozenset({Role.ADMIN, Role.STAFF})  # may record samples
BAD_BATCH_DAYS = 14  # a bad-batch alert ends by itself after two weeks without a new finding


def _text(field: str, value: str, limit: int) -> str:
    """Text a person typed: no NUL characters (PostgreSQL refuses them), at most `limit` characters."""
    value = (value or "").strip()
    if "\x00" in value:
        raise ActionError(field, _("contains a character that is not allowed"))
    if len(value) > limit:
        raise ActionError(field, _("keep it under %(limit)s characters") % {"limit": limit})
    return value


# ---------- detection's alerts ----------
def _event(alert: Alert, action: str, *, membership=None, note: str = "", level=None) -> None:
    AlertEvent.objects.create(
        alert=alert,
        action=action,
        organization=membership.organization if membership else None,
        user=membership.user if membership else None,
        note=note,
        level=level,
    )


def _epidemiology(alert: Alert, finding, method) -> None:
    alert.method = method.name
    alert.threshold = finding.threshold
    alert.count = finding.count
    alert.expected = finding.expected
    alert.statistic = finding.statistic
    alert.p_value = finding.p_value
    alert.diagnostics = finding.diagnostics
    alert.sources = sorted(set(alert.sources or []) | set(finding.sources))


def apply_findings(pool, day: date, findings, method, checked_areas=None) -> dict:
    """One day's signals for one pool: a new alert per area without an open one, a higher level for one that
    has, and the end of open alerts that stayed quiet for QUIET_DAYS days (among `checked_areas` when given)."""
    changed = {"opened": 0, "escalated": 0, "closed": 0}
    with transaction.atomic():
        open_alerts = {
            alert.area: alert
            for alert in Alert.objects.select_for_update().filter(
                organization_id=pool.audience_id,
                kind=AlertKind.SPIKE,
                status__in=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED),
            )
        }
        for finding in findings:
            alert = open_alerts.get(finding.area)
            if alert is None:
                alert = Alert(
                    kind=AlertKind.SPIKE,
                    organization_id=pool.audience_id,
                    area=finding.area,
                    first_day=day,
                    last_signal_day=day,
                    level=finding.level,
                )
                _epidemiology(alert, finding, method)
                alert.save()
                open_alerts[finding.area] = alert
                _event(alert, "opened", level=alert.level)
                audit.record(
                    "alert.opened",
                    organization=alert.organization,
                    obj=alert,
                    detail={
                        "kind": alert.kind,
                        "area": alert.area,
                        "day": day.isoformat(),
                        "level": alert.level,
                    },
                )
                notify(alert)
                changed["opened"] += 1
                continue
            if day < alert.last_signal_day:
                continue  # a replay of an earlier day never rewinds an alert
            alert.last_signal_day = day
            if finding.level > alert.level or finding.count > alert.count:
                _epidemiology(alert, finding, method)
            if finding.level > alert.level:
                alert.level = finding.level
                alert.status = AlertStatus.OPEN  # an escalation asks for attention again
                alert.save()
                _event(alert, "escalated", level=alert.level)
                audit.record(
                    "alert.escalated",
                    organization=alert.organization,
                    obj=alert,
                    detail={"area": alert.area, "day": day.isoformat(), "level": alert.level},
                )
                notify(alert)
                changed["escalated"] += 1
            else:
                alert.save()
        signalled = {finding.area for finding in findings}
        for area, alert in open_alerts.items():
            if checked_areas is not None and area not in checked_areas:
                continue
            if area not in signalled and (day - alert.last_signal_day).days >= QUIET_DAYS:
                _close(alert, _("No signal for %(days)s days.") % {"days": QUIET_DAYS})
                changed["closed"] += 1
    return changed


def _close(alert: Alert, reason: str, membership=None) -> None:
    alert.status = AlertStatus.CLOSED
    alert.closed_at = timezone.now()
    alert.close_reason = reason[:200]
    alert.save()
    _event(alert, "closed", membership=membership, note=reason)
    audit.record(
        "alert.closed",
        membership=membership,
        organization=None if membership else alert.organization,
        obj=alert,
        detail={"area": alert.area, "reason": reason},
    )


# ---------- people acting on an alert ----------
def _may_respond(membership, alert: Alert) -> None:
    if membership.role not in RESPONDERS:
        raise NotAllowed(_("Your role may not act on alerts."))


def acknowledge(membership, alert: Alert) -> Alert:
    _may_respond(membership, alert)
    if alert.status != AlertStatus.OPEN:
        raise ActionError("", _("Only an open alert can be acknowledged."), 409)
    with transaction.atomic():
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.save(update_fields=["status"])
        _event(alert, "acknowledged", membership=membership)
        audit.record("alert.acknowledged", membership=membership, obj=alert, detail={"area": alert.area})
    return alert


def annotate(membership, alert: Alert, note: str) -> Alert:
    _may_respond(membership, alert)
    note = _text("note", note, 1000)
    if not note:
        raise ActionError("note", _("Write what was done, for example “outreach sent to the area”."))
    with transaction.atomic():
        _event(alert, "noted", membership=membership, note=note)
        audit.record("alert.annotated", membership=membership, obj=alert, detail={"note": note})
    return alert


def close(membership, alert: Alert, reason: str = "") -> Alert:
    _may_respond(membership, alert)
    if alert.kind == AlertKind.BAD_BATCH and str(membership.organization_id) not in (alert.sources or []):
        raise NotAllowed(_("Only the program that checked the sample may close a bad-batch alert."))
    if alert.status == AlertStatus.CLOSED:
        raise ActionError("", _("The alert is already closed."), 409)
    reason = _text("reason", reason, 200) or _("Closed by %(organization)s.") % {
        "organization": membership.organization.name
    }
    with transaction.atomic():
        _close(alert, reason, membership)
    return alert


def publish(membership, alert: Alert) -> Alert:
    """Puts a spike alert on the public page and feed, at the public level (an admin of its audience)."""
    if membership.role != Role.ADMIN:
        raise NotAllowed(_("Only an admin may publish an alert."))
    if alert.kind != AlertKind.SPIKE or alert.public:
        raise ActionError("", _("This alert is public already."), 409)
    with transaction.atomic():
        alert.public = True
        alert.save(update_fields=["public"])
        _event(alert, "published", membership=membership)
        audit.record("alert.published", membership=membership, obj=alert, detail={"area": alert.area})
    return alert


# ---------- drug checking ----------
@dataclass
class SampleIn:
    collected_on: date
    method: str
    found: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    expected_substance: str = ""
    code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    block_group: str = ""
    site: str = ""  # one of the organization's locations (id or name)


def _check_substances(name: str, values, problems: list) -> list[str]:
    values = [str(value).strip().lower() for value in values or [] if str(value).strip()]
    unknown = sorted(set(values) - known_substances())
    if unknown:
        problems.append(
            (
                name,
                _("unknown substance(s) %(unknown)s; use %(known)s")
                % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(known_substances()))},
            )
        )
    return sorted(set(values))


def known_substances() -> set[str]:
    return set(substances.CHECKED_SUBSTANCES) | set(SubstanceOfConcern.objects.values_list("code", flat=True))


def _check_test(record, problems: list) -> tuple[str, list, list]:
    if record.method not in CheckMethod.values:
        problems.append(
            ("method", _("unknown method; use %(methods)s") % {"methods": ", ".join(CheckMethod.values)})
        )
    found = _check_substances("found", record.found, problems)
    not_found = _check_substances("not_found", record.not_found, problems)
    both = set(found) & set(not_found)
    if both:
        problems.append(
            (
                "not_found",
                _("%(both)s cannot be both found and not found") % {"both": ", ".join(sorted(both))},
            )
        )
    return record.method, found, not_found


def _sample_area(membership, record: SampleIn, problems: list) -> str:
    if "\x00" in (record.site or "") + (record.block_group or ""):
        problems.append(("site", _("contains a character that is not allowed")))
        return ""
    if record.site:
        from meetpoint.outreach.queries import sites_of

        site = sites_of(membership).filter(name=record.site).first()
        if site is None:
            try:
                site = sites_of(membership).filter(pk=record.site).first()
            except Exception:  # noqa: BLE001 -- not an id either: the same answer as an unknown name
                site = None
        if site is None:
            problems.append(("site", _("no such site or mobile unit of your organization")))
            return ""
        area = areas.of_point(site.latitude, site.longitude)
    elif record.block_group:
        area = areas.of_block_group(record.block_group) if len(record.block_group.strip()) == 12 else ""
    elif record.latitude is not None and record.longitude is not None:
        if not (-90 <= record.latitude <= 90 and -180 <= record.longitude <= 180):
            problems.append(("latitude", _("latitude/longitude are out of range")))
            return ""
        area = areas.of_point(record.latitude, record.longitude)
    else:
        area = ""
    if not area:
        problems.append(("site", _("say where: a site, a census block group (12 digits) or a point")))
    return area


def record_sample(membership, record: SampleIn) -> Sample:
    """A drug-checking sample and its first result; a substance of concern found raises a bad-batch alert."""
    if membership.role not in RECORDERS:
        raise NotAllowed(_("Your role may not record drug-checking samples."))
    problems: list = []
    code = substances.normalized(record.code.replace("\x00", "?")) or _unused_code(membership)
    problem = substances.sample_code_problem(code)
    if problem:
        problems.append(("code", problem))
    elif Sample.objects.filter(organization=membership.organization, code=code).exists():
        problems.append(
            ("code", _("a sample with this code is recorded already; record a confirmation on it"))
        )
    method, found, not_found = _check_test(record, problems)
    expected = (record.expected_substance or "").strip().lower()
    if expected and expected not in known_substances():
        problems.append(("expected_substance", _("unknown substance %(name)s") % {"name": expected}))
    today = timezone.localdate()
    if record.collected_on > today or record.collected_on < today - timedelta(days=366):
        problems.append(("collected_on", _("must be within the last year and not in the future")))
    area = _sample_area(membership, record, problems)
    if problems:
        raise ActionError(problems[0][0], problems[0][1], 400, errors=problems)
    with transaction.atomic():
        sample = Sample.objects.create(
            organization=membership.organization,
            code=code,
            collected_on=record.collected_on,
            area=area,
            expected_substance=expected,
            method=method,
            found=found,
            not_found=not_found,
            confirmed=method == CheckMethod.LAB,
            recorded_by=membership.user,
        )
        SampleTest.objects.create(
            sample=sample,
            method=method,
            found=found,
            not_found=not_found,
            tested_on=record.collected_on,
            recorded_by=membership.user,
        )
        audit.record(
            "sample.recorded",
            membership=membership,
            obj=sample,
            detail={"code": code, "method": method, "found": found, "area": area},
        )
        _raise_bad_batches(sample, found)
    return sample


def _unused_code(membership) -> str:
    while True:
        code = substances.new_sample_code()
        if not Sample.objects.filter(organization=membership.organization, code=code).exists():
            return code


@dataclass
class ConfirmationIn:
    method: str
    found: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    tested_on: date | None = None


def confirm_sample(membership, sample: Sample, record: ConfirmationIn) -> Sample:
    """A later result for the same sample (usually the lab's): it becomes the sample's result, the earlier one
    stays in its history, and a newly found substance of concern raises a bad-batch alert."""
    if membership.role not in RECORDERS or membership.organization_id != sample.organization_id:
        raise NotAllowed(_("Your role may not record drug-checking results."))
    problems: list = []
    method, found, not_found = _check_test(record, problems)
    tested_on = record.tested_on or timezone.localdate()
    if tested_on < sample.collected_on or tested_on > timezone.localdate():
        problems.append(("tested_on", _("must be between the sample's date and today")))
    if problems:
        raise ActionError(problems[0][0], problems[0][1], 400, errors=problems)
    new = sorted(set(found) - set(sample.found))
    with transaction.atomic():
        SampleTest.objects.create(
            sample=sample,
            method=method,
            found=found,
            not_found=not_found,
            tested_on=tested_on,
            recorded_by=membership.user,
        )
        sample.method, sample.found, sample.not_found = method, found, not_found
        sample.confirmed = sample.confirmed or method == CheckMethod.LAB
        sample.updated = timezone.now()
        sample.save()
        audit.record(
            "sample.confirmed",
            membership=membership,
            obj=sample,
            detail={"code": sample.code, "method": method, "found": found, "newly_found": new},
        )
        _raise_bad_batches(sample, new)
    return sample


def _raise_bad_batches(sample: Sample, found) -> None:
    concerns = set(
        SubstanceOfConcern.objects.filter(active=True, code__in=list(found)).values_list("code", flat=True)
    )
    for substance in sorted(concerns):
        alert = Alert.objects.filter(
            kind=AlertKind.BAD_BATCH,
            area=sample.area,
            substance=substance,
            status__in=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED),
        ).first()
        if alert is not None:
            alert.count += 1
            alert.last_signal_day = max(alert.last_signal_day, sample.collected_on)
            alert.sources = sorted(set(alert.sources) | {str(sample.organization_id)})
            alert.diagnostics.setdefault("methods", [])
            alert.diagnostics["methods"] = sorted(set(alert.diagnostics["methods"]) | {sample.method})
            alert.diagnostics["confirmed"] = alert.diagnostics.get("confirmed", False) or sample.confirmed
            alert.save()
            _event(alert, "sample_added", note=sample.get_method_display())
            continue
        alert = Alert.objects.create(
            kind=AlertKind.BAD_BATCH,
            area=sample.area,
            substance=substance,
            expected_substance=sample.expected_substance,
            first_day=sample.collected_on,
            last_signal_day=sample.collected_on,
            method=sample.method,
            count=1,
            sources=[str(sample.organization_id)],
            diagnostics={"methods": [sample.method], "confirmed": sample.confirmed},
            public=True,
        )
        _event(alert, "opened", level=alert.level)
        audit.record(
            "alert.opened",
            organization=sample.organization,
            obj=alert,
            detail={"kind": alert.kind, "area": alert.area, "substance": substance},
        )
        notify(alert)


def end_quiet_bad_batches(day: date) -> int:
    """Bad-batch alerts with no new finding for BAD_BATCH_DAYS days end by themselves."""
    ended = 0
    stale = Alert.objects.filter(
        kind=AlertKind.BAD_BATCH,
        status__in=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED),
        last_signal_day__lte=day - timedelta(days=BAD_BATCH_DAYS),
    )
    for alert in stale:
        with transaction.atomic():
            _close(alert, _("No new finding for %(days)s days.") % {"days": BAD_BATCH_DAYS})
        ended += 1
    return ended


# ---------- subscriptions ----------
def webhooks_need_https() -> bool:
    return not getattr(settings, "MEETPOINT_ALERT_WEBHOOK_ALLOW_HTTP", False)


@dataclass
class SubscriptionIn:
    kinds: list[str]
    area: str = ""
    email: str = ""
    webhook_url: str = ""


def subscribe(membership, record: SubscriptionIn) -> Subscription:
    from meetpoint.alerts.queries import visible_areas

    if membership.role != Role.ADMIN:
        raise NotAllowed(_("Only an admin may manage the organization's alert subscriptions."))
    problems = []
    kinds = sorted(set(record.kinds or []))
    if not kinds or set(kinds) - set(AlertKind.values):
        problems.append(
            ("kinds", _("choose one or more of %(kinds)s") % {"kinds": ", ".join(AlertKind.values)})
        )
    area = (record.area or "").strip()
    if area and area not in visible_areas(membership):
        problems.append(("area", _("not an area your organization may see")))
    email = (record.email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(("email", _("not an e-mail address")))
    url = (record.webhook_url or "").strip()
    if "\x00" in url or (url and not _is_url(url)):
        problems.append(("webhook_url", _("not a web address")))
    elif url:
        scheme = url.split(":", 1)[0].lower()
        if scheme != "https" and not (scheme == "http" and not webhooks_need_https()):
            problems.append(("webhook_url", _("a webhook must use HTTPS")))
    if problems:
        raise ActionError(problems[0][0], problems[0][1], 400, errors=problems)
    with transaction.atomic():
        subscription = Subscription.objects.create(
            organization=membership.organization,
            area=area,
            kinds=kinds,
            email=email,
            webhook_url=url,
            created_by=membership.user,
        )
        audit.record(
            "alert_subscription.created",
            membership=membership,
            obj=subscription,
            detail={
                "kinds": kinds,
                "area": area or "every area",
                "email": bool(subscription.email),
                "webhook": bool(url),
            },
        )
    return subscription


def _is_url(url: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True


def unsubscribe(membership, subscription: Subscription) -> None:
    if membership.role != Role.ADMIN:
        raise NotAllowed(_("Only an admin may manage the organization's alert subscriptions."))
    if subscription.organization_id != membership.organization_id:
        raise NotFound(_("No such subscription of your organization."))
    with transaction.atomic():
        audit.record(
            "alert_subscription.deleted",
            membership=membership,
            obj=subscription,
            detail={"area": subscription.area},
        )
        subscription.delete()


def notify(alert: Alert) -> int:
    """Queues a delivery per matching subscription and channel at the alert's level; sending happens apart
    (delivery.py, run by `meetpoint detect_spikes` and `meetpoint deliver_alerts`), never in this request."""
    wanted = Subscription.objects.all()
    if alert.kind == AlertKind.SPIKE:
        wanted = wanted.filter(organization_id=alert.organization_id)
    queued = []
    for subscription in wanted:
        if alert.kind not in subscription.kinds or (subscription.area and subscription.area != alert.area):
            continue
        for channel, target in (
            (Channel.EMAIL, subscription.email),
            (Channel.WEBHOOK, subscription.webhook_url),
        ):
            if target:
                queued.append(
                    Delivery(alert=alert, subscription=subscription, channel=channel, level=alert.level)
                )
    Delivery.objects.bulk_create(queued, ignore_conflicts=True)
    return len(queued)
