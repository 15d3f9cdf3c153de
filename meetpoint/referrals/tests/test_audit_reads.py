"""Lists of referrals are in the audit log: one event per list read (page or API) with its count and filters."""

from meetpoint.accounts.models import AuditEvent


def listed() -> list[tuple]:
    return list(
        AuditEvent.objects.filter(action="referral.list")
        .order_by("id")
        .values_list("organization__slug", "actor__username", "detail")
    )


def test_the_sent_page_and_the_api_list_are_logged(world, make_referral):
    make_referral()
    assert world.client(world.home.staff).get("/referrals/sent/").status_code == 200
    answer = world.client().get(
        "/api/v1/referrals/", {"box": "outbox", "size": 10}, headers=world.token(world.home.admin)
    )
    assert answer.json()["total_items"] == 1
    assert listed() == [
        ("riverbend", "riverbend-staff", {"count": 1, "filters": {"box": "outbox", "page": "1"}}),
        (
            "riverbend",
            "riverbend-admin",
            {"count": 1, "filters": {"box": "outbox", "page": "1", "size": "10"}},
        ),
    ]


def test_aggregate_roles_outsiders_and_anonymous_list_nothing_and_log_no_read(world, make_referral):
    make_referral()
    assert world.client(world.home.analyst).get("/referrals/sent/").status_code == 403
    assert world.client().get("/referrals/").status_code == 302
    assert world.client().get("/api/v1/referrals/").status_code == 401
    assert listed() == []
    outsider = world.client().get(
        "/api/v1/referrals/", {"box": "outbox"}, headers=world.token(world.outsider.staff)
    )
    assert outsider.json()["total_items"] == 0
    assert listed() == [
        ("lakeside", "lakeside-staff", {"count": 0, "filters": {"box": "outbox", "page": "1", "size": "20"}})
    ]
