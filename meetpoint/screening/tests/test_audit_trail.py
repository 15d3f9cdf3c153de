"""Reads of screenings are in the audit log: a list is one event with its count and filters, a screening shown
(page, API, the services it calls for) is one event naming it. Counts by instrument are aggregates: not logged."""

from meetpoint.accounts.audit import verify_chain
from meetpoint.accounts.models import AuditEvent

SCREENINGS = "/api/v1/screening/screenings"


def reads() -> list[tuple]:
    return list(
        AuditEvent.objects.filter(action__in=("screening.list", "screening.view"))
        .order_by("id")
        .values_list("action", "object_id", "detail", "actor__username", "organization__slug")
    )


def test_the_list_page_and_the_result_page_are_logged(world, record):
    screening = record()
    client = world.client(world.home.staff)
    assert client.get("/screening/", {"instrument": "phq-9"}).status_code == 200
    assert client.get(f"/screening/{screening.pk}/").status_code == 200
    assert reads() == [
        (
            "screening.list",
            "",
            {"count": 1, "filters": {"instrument": "phq-9", "page": "1"}},
            "riverbend-staff",
            "riverbend",
        ),
        ("screening.view", str(screening.pk), {}, "riverbend-staff", "riverbend"),
    ]


def test_the_api_list_detail_and_services_reads_are_logged(world, record):
    screening = record()
    headers = world.token(world.home.admin)
    client = world.client()
    assert client.get(SCREENINGS, {"risk_level": "minimal", "size": 5}, headers=headers).status_code == 200
    assert client.get(f"{SCREENINGS}/{screening.pk}", headers=headers).status_code == 200
    assert client.get(f"{SCREENINGS}/{screening.pk}/services", headers=headers).status_code == 200
    listed, shown, services = reads()
    assert listed[0] == "screening.list"
    assert listed[2]["filters"] == {"risk_level": "minimal", "page": "1", "size": "5"}
    assert shown[:2] == ("screening.view", str(screening.pk))
    assert services[:3] == ("screening.view", str(screening.pk), {"for": "services"})
    assert verify_chain()[0]


def test_counts_are_aggregates_and_are_not_logged_as_reads(world, record):
    record()
    assert world.client(world.home.viewer).get("/screening/").status_code == 200
    assert (
        world.client().get(f"{SCREENINGS}/counts", headers=world.token(world.home.analyst)).status_code == 200
    )
    assert reads() == []


def test_outsiders_aggregate_roles_and_anonymous_read_nothing_and_log_no_read(world, record):
    screening = record()
    assert world.client(world.outsider.staff).get(f"/screening/{screening.pk}/").status_code == 404
    assert world.client(world.home.analyst).get(f"/screening/{screening.pk}/").status_code == 403
    assert world.client().get(f"/screening/{screening.pk}/").status_code == 302
    outsider = world.client().get(f"{SCREENINGS}/{screening.pk}", headers=world.token(world.outsider.admin))
    assert outsider.status_code == 404
    assert world.client().get(SCREENINGS).status_code == 401
    assert reads() == []
