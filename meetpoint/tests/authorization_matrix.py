"""The authorization matrix: one entry for every page route and every API operation of Meetpoint, saying who may
use it and what an unrelated organization's members and the anonymous public must get when they aim it at the
home organization's objects. test_authorization_matrix.py checks every entry, and fails when a route exists
without an entry here (see docs/security-testing.md for how to add one).

Keys: pages are "METHOD /route/pattern/" exactly as Django spells the pattern (the route is what the URL
resolver enumerates); API operations are "METHOD /api/v1/path/{param}" as the OpenAPI document spells them.

Access kinds (what an outsider gets, per role, when aiming the route at the home organization):
  PUBLIC  anyone, signed in or not, may use it; the answer must not contain participant-level data of the home
          organization, and for the anonymous not the exact place of its confidential site.
  MEMBER  a member-only route that names no home object (lists, forms, dashboards): the anonymous are sent to
          sign in (pages) or get 401 (API); roles outside `roles` get 403; the others get their own
          organization's view, which must not contain the home organization's participant-level data. Writes
          with a body that names home objects (cross-organization ids) must be refused and change nothing.
  SHARED  a home object that partners may see by design (events, take-back events, policies): outsider members
          in `roles` get it without the home organization's participant-level data; `anonymous` says what
          the public gets.
  OWN     a home object only the home organization may reach: the outsider gets 404 (roles outside `roles`:
          403 or 404); the anonymous are sent to sign in / get 401; the home world is unchanged afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALL = frozenset({"admin", "staff", "analyst", "viewer"})
EDITORS = frozenset({"admin", "staff"})
ADMIN = frozenset({"admin"})
RESPONDERS = frozenset({"admin", "staff", "analyst"})  # who acts on an alert

PUBLIC, MEMBER, SHARED, OWN = "public", "member", "shared", "own"

# What the anonymous public gets on a SHARED or OWN page / API route.
SIGN_IN = "sign-in"  # pages: a redirect to the sign-in page; API: 401
NOT_FOUND = "404"
VISIBLE = "visible"  # a public object: shown, without partner-only details


@dataclass(frozen=True)
class Lit:
    """A literal path parameter (an instrument name, a file kind, a verb)."""

    value: str


@dataclass(frozen=True)
class Entry:
    access: str
    roles: frozenset[str] = ALL  # roles (of their own organization) the route serves at all
    params: dict = field(default_factory=dict)  # path parameter -> home object kind (HomeWorld key) or Lit
    body: dict | None = None  # API JSON body / page form data; "@kind" values become that home object's id
    anonymous: str = SIGN_IN  # SHARED/OWN: what the anonymous get
    home_status: int | None = 200  # positive control: the home organization's own member (GET only)
    home_role: str = "staff"
    ok: frozenset[int] = frozenset({200})  # PUBLIC/MEMBER/SHARED statuses for allowed callers
    note: str = ""
    query: dict = field(default_factory=dict)  # query string (required filters)
    refused: frozenset[int] = frozenset({404})  # OWN: what outsider roles in `roles` get
    touches_home: str = ""  # why an outsider's write may change the home side (a feature); skips that check
    xfail: str = ""  # a known finding: the case is expected to fail until the lead fixes it
    xfail_roles: frozenset[str] | None = None  # the callers the finding concerns (None: all of them)


def public(**kw) -> Entry:
    return Entry(PUBLIC, **kw)


def member(roles=ALL, **kw) -> Entry:
    return Entry(MEMBER, roles=roles, **kw)


def shared(roles=ALL, **kw) -> Entry:
    return Entry(SHARED, roles=roles, **kw)


def own(roles=ALL, **kw) -> Entry:
    return Entry(OWN, roles=roles, **kw)


ACCEPTED_WRITE = frozenset({200, 201, 204, 302, 400, 403, 404, 409})
FORM = frozenset({200, 302, 400, 403, 404, 409})  # a form post: re-rendered with errors, or redirected

PHQ9 = Lit("phq-9")
INVITES = "naming another organization invites it; it is shown as co-host/partner only once its admin accepts"

PAGES: dict[str, Entry] = {
    # accounts
    "GET /i18n/setlang/": public(ok=frozenset({302}), home_status=None, note="sets the language cookie"),
    "POST /i18n/setlang/": public(body={"language": "es", "next": "/"}, ok=frozenset({302})),
    "GET /account/sign-in/": public(home_status=None),
    "POST /account/sign-in/": public(body={"username": "riverbend-staff", "password": "wrong"}, ok=FORM),
    "GET /account/sign-out/": public(ok=frozenset({405}), home_status=None, note="sign-out is POST only"),
    "POST /account/sign-out/": public(ok=frozenset({200, 302}), home_status=None),
    "GET /account/": member(),
    "POST /account/switch/": member(body={"membership": "@home_membership"}, ok=FORM),
    "GET /account/tokens/": member(),
    "GET /account/audit/": member(
        roles=ADMIN,
        home_role="admin",
        query={"format": "csv"},
        note="the organization's audit log, as its full CSV export (the home screening is in the home log)",
    ),
    "GET /account/two-factor/": member(),
    "POST /account/two-factor/": member(body={"code": "000000"}, ok=FORM),
    "POST /account/tokens/": member(body={"revoke": "1"}, ok=FORM),
    "GET /account/two-factor/enrol/<str:token>/": member(
        params={"token": Lit("not-a-link")}, ok=frozenset({410}), home_status=410
    ),
    "GET /account/members/": member(roles=ADMIN, home_role="admin"),
    "POST /account/members/": member(
        roles=ADMIN, body={"email": "new.member@example.org", "role": "staff", "language": "en"}, ok=FORM
    ),
    "POST /account/invitations/<int:invitation_id>/resend/": own(
        params={"invitation_id": "member_invitation"}
    ),
    "POST /account/invitations/<int:invitation_id>/revoke/": own(
        params={"invitation_id": "member_invitation"}
    ),
    "POST /account/members/<int:membership_id>/unlock/": own(params={"membership_id": "home_membership"}),
    "POST /account/members/<int:membership_id>/reset-two-factor/": own(
        params={"membership_id": "home_membership"}
    ),
    "GET /account/invitation/<str:token>/": public(
        params={"token": Lit("not-an-invitation")}, ok=frozenset({404}), home_status=None
    ),
    "POST /account/invitation/<str:token>/": public(
        params={"token": Lit("not-an-invitation")},
        body={"username": "someone", "password1": "x", "password2": "x"},
        ok=frozenset({404}),
    ),
    "GET /account/site/": member(roles=frozenset(), home_status=403, note="site administrators only"),
    "POST /account/site/": member(
        roles=frozenset(),
        body={"name": "X", "partner_type": "other", "email": "a@example.org", "language": "en"},
    ),
    "GET /account/settings/": member(),
    "POST /account/email/": member(body={"email": "elsewhere@example.org", "password": "wrong"}, ok=FORM),
    "GET /account/email/confirm/<str:token>/": member(
        params={"token": Lit("not-a-link")}, ok=frozenset({410}), home_status=410
    ),
    "POST /account/sessions/sign-out-others/": member(ok=FORM),
    "POST /account/recovery-codes/": member(ok=frozenset({200})),
    "GET /account/password/": member(),
    "POST /account/password/": member(body={"old_password": "wrong"}, ok=FORM),
    "GET /account/password/reset/": public(home_status=None),
    "POST /account/password/reset/": public(body={"email": "riverbend-staff@example.org"}, ok=FORM),
    "GET /account/password/reset/sent/": public(home_status=None),
    "GET /account/password/reset/<uidb64>/<token>/": public(
        params={"uidb64": Lit("MQ"), "token": Lit("not-a-token")}, home_status=None
    ),
    "POST /account/password/reset/<uidb64>/<token>/": public(
        params={"uidb64": Lit("MQ"), "token": Lit("not-a-token")}, body={}, ok=FORM
    ),
    "GET /account/password/reset/done/": public(home_status=None),
    # screening
    "GET /screening/": member(),
    "GET /screening/instruments/": public(),
    "GET /screening/instruments/<str:name>/": public(params={"name": PHQ9}),
    "GET /screening/new/": member(roles=EDITORS),
    "GET /screening/new/<str:name>/": member(roles=EDITORS, params={"name": PHQ9}),
    "POST /screening/new/<str:name>/": member(
        roles=EDITORS,
        params={"name": PHQ9},
        body={"participant_code": "HX0785", "location": "@location", "answer_0": "0"},
        ok=FORM,
    ),
    "GET /screening/<uuid:screening_id>/": own(params={"screening_id": "screening"}),
    "GET /screening/<uuid:screening_id>/fhir/": own(params={"screening_id": "screening"}),
    # referrals
    "GET /referrals/": member(roles=EDITORS),
    "GET /referrals/sent/": member(roles=EDITORS),
    "GET /referrals/new/": member(roles=EDITORS),
    "POST /referrals/new/": member(
        roles=EDITORS,
        body={"service": "@service", "screening_id": "@screening", "reason_category": "other", "reason": "x"},
        ok=FORM,
    ),
    "GET /referrals/metrics/": member(),
    "GET /referrals/notifications/": member(roles=EDITORS),
    "POST /referrals/notifications/": member(roles=EDITORS, body={}, ok=FORM),
    "GET /referrals/<uuid:referral_id>/": own(roles=EDITORS, params={"referral_id": "referral"}),
    "GET /referrals/disclosures/": member(roles=ADMIN, home_role="admin"),
    "GET /referrals/<uuid:referral_id>/disclosures/": own(
        roles=ADMIN, params={"referral_id": "referral"}, home_role="admin"
    ),
    "POST /referrals/<uuid:referral_id>/transition/": own(
        roles=EDITORS, params={"referral_id": "referral"}, body={"to": "cancelled", "reason": "x"}
    ),
    "GET /referrals/<uuid:referral_id>/consent/": own(roles=EDITORS, params={"referral_id": "referral"}),
    "POST /referrals/<uuid:referral_id>/consent/": own(
        roles=EDITORS, params={"referral_id": "referral"}, body={}
    ),
    "POST /referrals/<uuid:referral_id>/consent/revoke/": own(
        roles=EDITORS, params={"referral_id": "referral"}, body={"note": "x"}
    ),
    # inventory
    "GET /inventory/": member(),
    "GET /inventory/receive/": member(roles=EDITORS),
    "POST /inventory/receive/": member(
        roles=EDITORS, body={"location": "@location", "item": "naloxone-nasal-4mg", "quantity": "5"}, ok=FORM
    ),
    "GET /inventory/transfer/": member(roles=EDITORS),
    "POST /inventory/transfer/": member(
        roles=EDITORS,
        body={
            "source": "@location",
            "destination": "@mobile_unit",
            "item": "naloxone-nasal-4mg",
            "quantity": "5",
        },
        ok=FORM,
    ),
    "GET /inventory/adjust/": member(roles=EDITORS),
    "POST /inventory/adjust/": member(
        roles=EDITORS,
        body={"location": "@location", "item": "naloxone-nasal-4mg", "quantity": "-5", "reason": "lost"},
        ok=FORM,
    ),
    "GET /inventory/alerts/": member(),
    "POST /inventory/lots/<int:lot_id>/write-off/": own(roles=EDITORS, params={"lot_id": "lot"}, body={}),
    "GET /inventory/thresholds/": member(roles=EDITORS),
    "POST /inventory/thresholds/": member(
        roles=EDITORS, body={"item": "naloxone-nasal-4mg", "location": "@location", "minimum": "1"}, ok=FORM
    ),
    "GET /inventory/movements/": member(),
    "GET /inventory/reconciliation/": member(roles=EDITORS),
    "POST /inventory/reconciliation/<uuid:movement_id>/": own(
        roles=EDITORS, params={"movement_id": "unreconciled"}, body={"note": "found it"}
    ),
    # outreach
    "GET /outreach/": member(roles=EDITORS),
    "POST /outreach/": member(
        roles=EDITORS,
        body={"site": "@location", "participant_code": "HX0785", "syringes_collected": "1"},
        ok=FORM,
    ),
    "GET /outreach/sw.js": public(note="the offline app's service worker script"),
    "GET /outreach/manifest.webmanifest": public(note="the offline app's manifest"),
    "GET /outreach/summary/": member(),
    "GET /outreach/overdoses/": member(),
    "GET /outreach/participants/duplicates/": member(roles=EDITORS),
    "POST /outreach/participants/duplicates/<int:pk>/<str:decision>/": own(
        roles=EDITORS, params={"pk": "duplicate", "decision": Lit("merge")}, body={}
    ),
    "GET /outreach/participants/recipe/": member(roles=ADMIN, home_role="admin"),
    "POST /outreach/participants/recipe/": member(roles=ADMIN, body={}, ok=FORM),
    # education
    "GET /education/": member(),
    "GET /education/calendar/": public(),
    "GET /education/calendar.ics": public(),
    "GET /education/results/": member(),
    "GET /education/events/new/": member(roles=EDITORS),
    "POST /education/events/new/": member(
        roles=EDITORS,
        body={
            "title": "x",
            "kind": "community_forum",
            "audience": "general_public",
            "starts_at": "2030-01-01T10:00",
            "co_host_ids": "@home_org",
        },
        ok=FORM,
        touches_home=INVITES,
    ),
    "GET /education/events/<str:event_id>/": shared(params={"event_id": "event"}, anonymous=NOT_FOUND),
    "GET /education/events/<str:event_id>/edit/": own(roles=EDITORS, params={"event_id": "event"}),
    "POST /education/events/<str:event_id>/edit/": own(
        roles=EDITORS, params={"event_id": "event"}, body={"title": "Taken over"}
    ),
    "POST /education/events/<str:event_id>/attendance/": own(
        roles=EDITORS, params={"event_id": "event"}, body={"attendance_count": "99"}
    ),
    "POST /education/events/<str:event_id>/registrations/": own(
        roles=EDITORS, params={"event_id": "event"}, body={"name": "Intruder"}
    ),
    "POST /education/events/<str:event_id>/register/": public(
        params={"event_id": "public_event"},
        body={"name": "A. Person"},
        ok=FORM,
        note="people register themselves for a public event (the host alone sees the list)",
    ),
    "POST /education/events/<str:event_id>/materials/": own(
        roles=EDITORS, params={"event_id": "event"}, body={"title": "x", "url": "https://example.org/"}
    ),
    "GET /education/events/<str:event_id>/results/": shared(
        params={"event_id": "event"},
        note="paired survey results, small counts suppressed; all partners compare",
    ),
    "GET /education/survey/<str:event_id>/": public(
        params={"event_id": "event"}, note="the anonymous pre/post survey link handed to attendees"
    ),
    "POST /education/survey/<str:event_id>/": public(
        params={"event_id": "event"}, body={"phase": "pre"}, ok=FORM
    ),
    "GET /education/take-back/": public(),
    "GET /education/take-back/new/": member(roles=EDITORS),
    "POST /education/take-back/new/": member(
        roles=EDITORS,
        body={"title": "x", "date": "2026-01-01", "partner_ids": "@home_org"},
        ok=FORM,
        touches_home=INVITES,
    ),
    "GET /education/take-back/<str:take_back_id>/": shared(
        params={"take_back_id": "take_back"}, anonymous=VISIBLE
    ),
    "GET /education/take-back/<str:take_back_id>/edit/": own(
        roles=EDITORS, params={"take_back_id": "take_back"}
    ),
    "POST /education/take-back/<str:take_back_id>/edit/": own(
        roles=EDITORS, params={"take_back_id": "take_back"}, body={"title": "Taken over"}
    ),
    "GET /education/invitations/": member(
        roles=EDITORS, note="the invitations the organization received and sent, never another's"
    ),
    "POST /education/invitations/<str:invitation_id>/<str:verb>/": own(
        roles=EDITORS, params={"invitation_id": "invitation", "verb": Lit("accept")}, body={}
    ),
    # policy
    "GET /policy/": member(),
    "GET /policy/new/": member(roles=EDITORS),
    "POST /policy/new/": member(roles=EDITORS, body={"title": "x"}, ok=FORM),
    "GET /policy/<str:policy_id>/": shared(params={"policy_id": "policy"}),
    "GET /policy/<str:policy_id>/edit/": own(roles=EDITORS, params={"policy_id": "policy"}),
    "POST /policy/<str:policy_id>/edit/": own(
        roles=EDITORS, params={"policy_id": "policy"}, body={"title": "x"}
    ),
    "POST /policy/<str:policy_id>/status/": own(
        roles=EDITORS, params={"policy_id": "policy"}, body={"status": "passed", "date": "2026-01-02"}
    ),
    "POST /policy/<str:policy_id>/actions/": own(
        roles=EDITORS,
        params={"policy_id": "policy"},
        body={"kind": "testimony", "date": "2026-01-02", "description": "x"},
    ),
    "POST /policy/<str:policy_id>/links/": own(
        roles=EDITORS, params={"policy_id": "policy"}, body={"title": "x", "url": "https://example.org/"}
    ),
    "POST /policy/<str:policy_id>/sign-ons/": own(
        roles=EDITORS, params={"policy_id": "policy"}, body={"organizations": "@home_org"}
    ),
    "POST /policy/<str:policy_id>/sign-on/": shared(
        params={"policy_id": "policy"},
        body={"signed": "1"},
        ok=FORM,
        touches_home="any partner may sign its own organization on to a policy (that is the feature)",
    ),
    # needs
    "GET /needs/": member(),
    "GET /needs/next/": member(),
    "GET /needs/import/": member(roles=EDITORS),
    "POST /needs/import/": member(roles=EDITORS, body={"layout": "svi"}, ok=FORM),
    "GET /needs/source/": member(roles=ADMIN, home_role="admin"),
    "POST /needs/source/": member(roles=ADMIN, body={"source": "not-an-organization"}, ok=FORM),
    # outcomes
    "GET /outcomes/": member(),
    "GET /outcomes/indicators/": public(),
    "GET /outcomes/report/": member(),
    "GET /outcomes/report/download.<str:kind>": member(params={"kind": Lit("csv")}),
    "GET /outcomes/agreements/": member(note="every role reads its organization's agreements"),
    "POST /outcomes/agreements/": member(
        roles=ADMIN, body={"recipient": "@home_org", "indicators": "outreach_encounters"}, ok=FORM
    ),
    "GET /outcomes/agreements/<str:agreement_id>/": own(
        params={"agreement_id": "agreement"}, home_role="analyst"
    ),
    "POST /outcomes/agreements/<str:agreement_id>/<str:verb>/": own(
        params={"agreement_id": "agreement", "verb": Lit("end")},
        body={},
        note="only admins act, but another organization's agreement is a 404 for every role",
    ),
    "GET /outcomes/inbox/": member(),
    "GET /outcomes/packages/<str:package_id>/": own(params={"package_id": "package"}),
    "GET /outcomes/packages/<str:package_id>/download.<str:kind>": own(
        params={"package_id": "package", "kind": Lit("csv")}
    ),
    "POST /outcomes/packages/<str:package_id>/<str:verb>/": own(
        roles=ADMIN, params={"package_id": "package", "verb": Lit("withdraw")}, body={"reason": "wrong month"}
    ),
    "GET /outcomes/combined/": member(),
    "GET /outcomes/combined/download.<str:kind>": member(params={"kind": Lit("csv")}),
    "GET /outcomes/dashboard/": member(),
    "GET /outcomes/dashboard/download.pdf": member(),
    "GET /outcomes/open/": public(),
    "GET /outcomes/open/manage/": member(roles=ADMIN, home_role="admin"),
    "POST /outcomes/open/manage/": member(roles=ADMIN, body={"withdraw": "@open_dataset"}, ok=FORM),
    "GET /outcomes/open/<slug:org_slug>/<slug:slug>/": public(
        params={"org_slug": "home_org_slug", "slug": "open_dataset_slug"}
    ),
    "GET /outcomes/open/<slug:org_slug>/<slug:slug>/data.<str:kind>": public(
        params={"org_slug": "home_org_slug", "slug": "open_dataset_slug", "kind": Lit("csv")}
    ),
    # directory
    "GET /": public(),
    "GET /services/<uuid:pk>/": public(params={"pk": "service"}),
    "GET /map/": public(),
    "GET /mobile/": public(),
    "GET /manage/": member(roles=EDITORS),
    "GET /manage/confidential-partners/": member(roles=ADMIN, home_role="admin"),
    "POST /manage/confidential-partners/": member(roles=ADMIN, body={"partner": "not-an-id"}, ok=FORM),
    "GET /manage/services/new/": member(roles=EDITORS),
    "POST /manage/services/new/": member(
        roles=EDITORS, body={"name": "Squatter", "location_ids": "@location", "status": "active"}, ok=FORM
    ),
    "GET /manage/services/<uuid:pk>/": own(roles=EDITORS, params={"pk": "service"}),
    "POST /manage/services/<uuid:pk>/": own(
        roles=EDITORS, params={"pk": "service"}, body={"name": "Taken over"}
    ),
    "GET /manage/locations/new/": member(roles=EDITORS),
    "GET /manage/locations/<uuid:pk>/": own(roles=EDITORS, params={"pk": "location"}),
    "POST /manage/locations/<uuid:pk>/": own(
        roles=EDITORS, params={"pk": "location"}, body={"name": "Taken"}
    ),
    "GET /manage/services/<uuid:pk>/hours/new/": own(roles=EDITORS, params={"pk": "service"}),
    "POST /manage/services/<uuid:pk>/hours/new/": own(
        roles=EDITORS,
        params={"pk": "service"},
        body={"weekday": "1", "opens_at": "09:00", "closes_at": "10:00"},
    ),
    "GET /manage/locations/<uuid:pk>/hours/new/": own(roles=EDITORS, params={"pk": "location"}),
    "POST /manage/locations/<uuid:pk>/hours/new/": own(
        roles=EDITORS,
        params={"pk": "location"},
        body={"weekday": "1", "opens_at": "09:00", "closes_at": "10:00"},
    ),
    "GET /manage/hours/<uuid:pk>/": own(roles=EDITORS, params={"pk": "schedule"}),
    "POST /manage/hours/<uuid:pk>/": own(
        roles=EDITORS,
        params={"pk": "schedule"},
        body={"weekday": "1", "opens_at": "06:00", "closes_at": "07:00"},
    ),
    "POST /manage/hours/<uuid:pk>/delete/": own(roles=EDITORS, params={"pk": "schedule"}, body={}),
    # alerts
    "GET /alerts/": member(),
    "GET /alerts/public/": public(),
    "GET /alerts/public/feed.atom": public(),
    "GET /alerts/samples/": member(),
    "POST /alerts/samples/": member(
        roles=EDITORS, body={"collected_on": "2026-01-02", "method": "ftir", "found": "fentanyl"}, ok=FORM
    ),
    "GET /alerts/samples/<str:sample_id>/": own(params={"sample_id": "sample"}),
    "POST /alerts/samples/<str:sample_id>/": own(
        roles=EDITORS, params={"sample_id": "sample"}, body={"method": "lab", "tested_on": "2026-01-02"}
    ),
    "GET /alerts/subscriptions/": member(),
    "POST /alerts/subscriptions/": member(roles=ADMIN, body={"kinds": "spike"}, ok=FORM),
    "POST /alerts/subscriptions/<str:subscription_id>/delete/": own(
        roles=ADMIN, params={"subscription_id": "subscription"}, body={}
    ),
    "GET /alerts/<str:alert_id>/": own(params={"alert_id": "alert"}),
    "POST /alerts/<str:alert_id>/acknowledge/": own(roles=RESPONDERS, params={"alert_id": "alert"}, body={}),
    "POST /alerts/<str:alert_id>/note/": own(
        roles=RESPONDERS, params={"alert_id": "alert"}, body={"note": "x"}
    ),
    "POST /alerts/<str:alert_id>/close/": own(
        roles=RESPONDERS, params={"alert_id": "alert"}, body={"reason": "x"}
    ),
    "POST /alerts/<str:alert_id>/publish/": own(roles=ADMIN, params={"alert_id": "alert"}, body={}),
    # the API's own pages
    "GET /api/v1/": public(ok=frozenset({200, 404}), home_status=None, note="the API root"),
    "GET /api/v1/schema/": public(),
    "GET /api/v1/docs/": public(),
}

SCHEDULE = {"weekday": 1, "opens_at": "06:00", "closes_at": "07:00"}

API: dict[str, Entry] = {
    # HSDS 3.1 read API: the public directory
    "GET /api/v1/hsds/": public(),
    "GET /api/v1/hsds/services": public(),
    "GET /api/v1/hsds/services/{service_id}": public(params={"service_id": "service"}),
    "GET /api/v1/hsds/organizations": public(),
    "GET /api/v1/hsds/organizations/{organization_id}": public(params={"organization_id": "home_org"}),
    "GET /api/v1/hsds/taxonomies": public(),
    "GET /api/v1/hsds/taxonomies/{taxonomy_id}": public(params={"taxonomy_id": "taxonomy"}),
    "GET /api/v1/hsds/taxonomy_terms": public(),
    "GET /api/v1/hsds/taxonomy_terms/{term_id}": public(params={"term_id": "taxonomy_term"}),
    "GET /api/v1/hsds/service_at_locations": public(),
    "GET /api/v1/hsds/service_at_locations/{sal_id}": public(params={"sal_id": "service_at_location"}),
    # directory
    "GET /api/v1/directory/search": public(),
    "GET /api/v1/directory/mobile-today": public(),
    "PATCH /api/v1/directory/services/{service_id}": own(
        roles=EDITORS, params={"service_id": "service"}, body={"name": "Taken over"}
    ),
    "POST /api/v1/directory/services/{service_id}/schedules": own(
        roles=EDITORS, params={"service_id": "service"}, body=SCHEDULE
    ),
    "POST /api/v1/directory/locations/{location_id}/schedules": own(
        roles=EDITORS, params={"location_id": "location"}, body=SCHEDULE
    ),
    "PUT /api/v1/directory/schedules/{schedule_id}": own(
        roles=EDITORS, params={"schedule_id": "schedule"}, body=SCHEDULE
    ),
    "DELETE /api/v1/directory/schedules/{schedule_id}": own(
        roles=EDITORS, params={"schedule_id": "schedule"}
    ),
    # screening
    "POST /api/v1/screening/score": public(
        body={"instrument": "phq-2", "answers": [1, 1]}, note="scores answers, stores nothing"
    ),
    "GET /api/v1/screening/instruments": public(),
    "GET /api/v1/screening/instruments/{name}": public(params={"name": PHQ9}),
    "POST /api/v1/screening/screenings": member(
        roles=EDITORS,
        body={
            "instrument": "phq-2",
            "answers": [1, 1],
            "participant_code": "HX0785",
            "location_id": "@location",
        },
        ok=ACCEPTED_WRITE,
    ),
    "GET /api/v1/screening/screenings": member(roles=EDITORS, note="analysts and viewers see counts only"),
    "GET /api/v1/screening/screenings/counts": member(),
    "GET /api/v1/screening/screenings/{screening_id}": own(params={"screening_id": "screening"}),
    "GET /api/v1/screening/screenings/{screening_id}/fhir": own(params={"screening_id": "screening"}),
    "GET /api/v1/screening/screenings/{screening_id}/services": own(params={"screening_id": "screening"}),
    # referrals
    "POST /api/v1/referrals/": member(
        roles=EDITORS,
        body={
            "service_id": "@service",
            "reason_category": "other",
            "reason": "x",
            "screening_id": "@screening",
            "participant_id": "@participant",
        },
        ok=frozenset({400, 403, 404}),
    ),
    "GET /api/v1/referrals/": member(roles=EDITORS),
    "GET /api/v1/referrals/metrics": member(),
    "GET /api/v1/referrals/notifications": member(roles=EDITORS),
    "POST /api/v1/referrals/notifications/read": member(roles=EDITORS, body={"ids": []}),
    "GET /api/v1/referrals/{referral_id}": own(roles=EDITORS, params={"referral_id": "referral"}),
    "POST /api/v1/referrals/{referral_id}/transitions": own(
        roles=EDITORS, params={"referral_id": "referral"}, body={"to": "cancelled", "reason": "x"}
    ),
    "POST /api/v1/referrals/{referral_id}/consent": own(
        roles=EDITORS,
        params={"referral_id": "referral"},
        body={"patient_reference": "x", "information": "x", "purpose": "x", "signature_method": "verbal"},
    ),
    "POST /api/v1/referrals/{referral_id}/consent/revoke": own(
        roles=EDITORS, params={"referral_id": "referral"}, body={"note": "x"}
    ),
    "GET /api/v1/referrals/{referral_id}/fhir": own(roles=EDITORS, params={"referral_id": "referral"}),
    "GET /api/v1/referrals/{referral_id}/disclosures": own(
        roles=ADMIN, params={"referral_id": "referral"}, home_role="admin"
    ),
    # inventory
    "GET /api/v1/inventory/items": member(),
    "GET /api/v1/inventory/balances": member(),
    "GET /api/v1/inventory/movements": member(),
    "POST /api/v1/inventory/receipts": member(
        roles=EDITORS,
        body={"site": "@location", "item": "naloxone-nasal-4mg", "quantity": 5, "expires_on": "2099-01-01"},
        ok=frozenset({400, 403, 404}),
    ),
    "POST /api/v1/inventory/transfers": member(
        roles=EDITORS,
        body={
            "source": "@location",
            "destination": "@mobile_unit",
            "item": "naloxone-nasal-4mg",
            "quantity": 5,
        },
        ok=frozenset({400, 403, 404}),
    ),
    "POST /api/v1/inventory/adjustments": member(
        roles=EDITORS,
        body={"site": "@location", "item": "naloxone-nasal-4mg", "quantity": -5, "reason": "lost"},
        ok=frozenset({400, 403, 404}),
    ),
    "GET /api/v1/inventory/alerts": member(),
    "GET /api/v1/inventory/reconciliation": member(roles=EDITORS),
    "POST /api/v1/inventory/reconciliation/{movement_id}": own(
        roles=EDITORS, params={"movement_id": "unreconciled"}, body={"note": "found it"}
    ),
    "GET /api/v1/inventory/thresholds": member(note="reading the own organization's thresholds"),
    "POST /api/v1/inventory/thresholds": member(
        roles=EDITORS,
        body={"item": "naloxone-nasal-4mg", "site": "@location", "minimum": 1},
        ok=frozenset({400, 403, 404}),
    ),
    "POST /api/v1/inventory/lots/{lot_id}/write-off": own(roles=EDITORS, params={"lot_id": "lot"}),
    # outreach
    "POST /api/v1/outreach/sync": member(
        roles=EDITORS,
        body={"encounters": [{"client_uuid": "@encounter_uuid", "occurred_at": "2026-11-01T10:00:00Z"}]},
        ok=ACCEPTED_WRITE,
        note="a replayed client_uuid of another organization must not answer or touch its encounter",
    ),
    "POST /api/v1/outreach/encounters": member(
        roles=EDITORS,
        body={"client_uuid": "@encounter_uuid", "occurred_at": "2026-11-01T10:00:00Z", "site": "@location"},
        ok=ACCEPTED_WRITE,
    ),
    "GET /api/v1/outreach/summary": member(query={"from": "2026-01-01", "to": "2027-12-31"}),
    "POST /api/v1/outreach/overdoses": member(
        roles=EDITORS,
        body={
            "client_uuid": "@overdose_uuid",
            "occurred_at": "2026-11-01T10:00:00Z",
            "place_kind": "stop",
            "site": "@location",
        },
        ok=ACCEPTED_WRITE,
    ),
    "GET /api/v1/outreach/overdoses": member(),
    # education
    "GET /api/v1/education/calendar": public(query={"start": "2026-11-01", "end": "2027-01-31"}),
    "GET /api/v1/education/events/{event_id}": shared(params={"event_id": "event"}, anonymous=NOT_FOUND),
    "POST /api/v1/education/events": member(
        roles=EDITORS,
        body={
            "title": "x",
            "kind": "community_forum",
            "audience": "general_public",
            "starts_at": "2030-01-01T10:00:00Z",
            "co_host_ids": ["@home_org"],
        },
        ok=ACCEPTED_WRITE,
        touches_home=INVITES,
    ),
    "POST /api/v1/education/events/{event_id}/attendance": own(
        roles=EDITORS, params={"event_id": "event"}, body={"attendance_count": 99}
    ),
    "GET /api/v1/education/events/{event_id}/registrations": own(
        roles=EDITORS,
        params={"event_id": "event"},
        refused=frozenset({403, 404}),
        note="partners see the event itself, so a 403 discloses nothing",
    ),
    "GET /api/v1/education/events/{event_id}/results": shared(
        params={"event_id": "event"}, note="paired survey results, small counts suppressed"
    ),
    "POST /api/v1/education/events/{event_id}/survey": public(
        params={"event_id": "event"},
        body={"phase": "pre", "answers": {}},
        ok=frozenset({201, 400, 409}),
        note="the anonymous survey of an event's attendees",
    ),
    "GET /api/v1/education/take-back": public(),
    "POST /api/v1/education/take-back": member(
        roles=EDITORS,
        body={"title": "x", "date": "2026-01-01", "partner_ids": ["@home_org"]},
        ok=ACCEPTED_WRITE,
        touches_home=INVITES,
    ),
    "GET /api/v1/education/invitations": member(roles=EDITORS),
    "POST /api/v1/education/invitations": member(
        roles=EDITORS,
        body={"event_id": "@event", "organization_id": "@home_org"},
        ok=frozenset({404}),
        note="only the organizer invites to its event: another organization's event is a 404",
    ),
    "POST /api/v1/education/invitations/{invitation_id}/{verb}": own(
        roles=EDITORS, params={"invitation_id": "invitation", "verb": Lit("accept")}
    ),
    # policy
    "GET /api/v1/policy/policies": member(),
    "POST /api/v1/policy/policies": member(
        roles=EDITORS,
        body={"title": "x", "kind": "bill", "topic": "good_samaritan", "jurisdiction": "x"},
        ok=ACCEPTED_WRITE,
    ),
    "GET /api/v1/policy/policies/{policy_id}": shared(params={"policy_id": "policy"}),
    "POST /api/v1/policy/policies/{policy_id}/status": own(
        roles=EDITORS, params={"policy_id": "policy"}, body={"status": "passed", "date": "2026-01-02"}
    ),
    "POST /api/v1/policy/policies/{policy_id}/actions": own(
        roles=EDITORS,
        params={"policy_id": "policy"},
        body={"kind": "testimony", "date": "2026-01-02", "description": "x"},
    ),
    # needs
    "GET /api/v1/needs/areas": member(),
    "GET /api/v1/needs/ranking": member(),
    # outcomes
    "GET /api/v1/outcomes/indicators": public(),
    "GET /api/v1/outcomes/report": member(
        query={"from": "2026-01-01", "to": "2026-12-31", "indicators": "outreach_encounters"}
    ),
    "GET /api/v1/accounts/invitations": member(roles=ADMIN, home_role="admin"),
    "POST /api/v1/accounts/invitations": member(
        roles=ADMIN, body={"email": "new.member@example.org", "role": "viewer"}, ok=frozenset({201, 409})
    ),
    "POST /api/v1/accounts/invitations/{invitation_id}/resend": own(
        params={"invitation_id": "member_invitation"}
    ),
    "POST /api/v1/accounts/invitations/{invitation_id}/revoke": own(
        params={"invitation_id": "member_invitation"}
    ),
    "POST /api/v1/accounts/members/{membership_id}/unlock": own(params={"membership_id": "home_membership"}),
    "GET /api/v1/outcomes/agreements": member(),
    "POST /api/v1/outcomes/agreements": member(
        roles=ADMIN,
        body={"recipient": "@home_org", "indicators": ["outreach_encounters"], "valid_from": "2026-01-01"},
        ok=ACCEPTED_WRITE,
        touches_home="an organization may propose to share its own figures with another; the recipient accepts",
    ),
    "GET /api/v1/outcomes/agreements/{agreement_id}": own(
        params={"agreement_id": "agreement"}, home_role="viewer"
    ),
    "POST /api/v1/outcomes/agreements/{agreement_id}/{verb}": own(
        params={"agreement_id": "agreement", "verb": Lit("end")},
        note="only admins act, but another organization's agreement is a 404 for every role",
    ),
    "GET /api/v1/outcomes/packages": member(),
    "GET /api/v1/outcomes/packages/{package_id}": own(params={"package_id": "package"}),
    "POST /api/v1/outcomes/packages/{package_id}/{verb}": own(
        roles=ADMIN, params={"package_id": "package", "verb": Lit("withdraw")}, body={"reason": "wrong month"}
    ),
    "GET /api/v1/outcomes/open-datasets": public(),
    "GET /api/v1/outcomes/open-datasets/{org_slug}/{slug}": public(
        params={"org_slug": "home_org_slug", "slug": "open_dataset_slug"}
    ),
    # alerts
    "GET /api/v1/alerts/public": public(),
    "GET /api/v1/alerts/alerts": member(),
    "GET /api/v1/alerts/alerts/{alert_id}": own(params={"alert_id": "alert"}),
    "POST /api/v1/alerts/alerts/{alert_id}/acknowledge": own(roles=RESPONDERS, params={"alert_id": "alert"}),
    "POST /api/v1/alerts/alerts/{alert_id}/notes": own(
        roles=RESPONDERS, params={"alert_id": "alert"}, body={"note": "x"}
    ),
    "POST /api/v1/alerts/alerts/{alert_id}/close": own(
        roles=RESPONDERS, params={"alert_id": "alert"}, body={"reason": "x"}
    ),
    "GET /api/v1/alerts/samples": member(),
    "POST /api/v1/alerts/samples": member(
        roles=EDITORS,
        body={"collected_on": "2026-01-02", "method": "ftir", "found": ["fentanyl"]},
        ok=ACCEPTED_WRITE,
    ),
    "POST /api/v1/alerts/samples/{sample_id}/results": own(
        roles=EDITORS, params={"sample_id": "sample"}, body={"method": "lab", "found": ["nitazenes"]}
    ),
    "GET /api/v1/alerts/subscriptions": member(),
    "POST /api/v1/alerts/subscriptions": member(roles=ADMIN, body={"kinds": ["spike"]}, ok=ACCEPTED_WRITE),
    "DELETE /api/v1/alerts/subscriptions/{subscription_id}": own(
        roles=ADMIN, params={"subscription_id": "subscription"}
    ),
}
