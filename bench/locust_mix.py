"""Locust users for bench.load: the realistic mix (public directory searches, offline encounter syncs, referral
updates, dashboard views) and the baseline (a static file from the same server). The fixtures (tokens, session
cookies, ids) come from the JSON file named by MEETPOINT_LOAD_FIXTURES, written by bench.load."""

import itertools
import json
import os
import random
import uuid
from datetime import UTC, datetime, timedelta

from locust import HttpUser, between, task

FIXTURES = json.loads(open(os.environ["MEETPOINT_LOAD_FIXTURES"]).read())  # noqa: SIM115
WAIT = between(
    float(os.environ.get("MEETPOINT_LOAD_WAIT_MIN", "0.5")),
    float(os.environ.get("MEETPOINT_LOAD_WAIT_MAX", "1.5")),
)
TAXONOMY = [
    "naloxone",
    "syringe-services",
    "fentanyl-test-strips",
    "food",
    "moud",
    "harm-reduction",
    "std-testing",
]
WORDS = ["naloxone", "food", "testing", "recovery", "housing", "clinic", ""]
PLACES = [(40.44, -79.99), (40.48, -80.02), (40.40, -79.93), (None, None)]
_numbers = itertools.count()


class _Member(HttpUser):
    abstract = True

    def on_start(self):
        number = next(_numbers)
        self.unit = FIXTURES["outreach"][number % len(FIXTURES["outreach"])]
        self.referral = FIXTURES["referrals"][number % len(FIXTURES["referrals"])]
        self.dashboard_cookie = FIXTURES["dashboard_session"]


class PublicVisitor(_Member):
    """30 of the 50: a person (or a partner's front desk) looking for help in the public directory."""

    weight = 30
    wait_time = WAIT

    @task(4)
    def directory_api(self):
        params = {"taxonomy": random.choice(TAXONOMY), "per_page": 20}
        lat, lon = random.choice(PLACES)
        if lat is not None:
            params.update(lat=lat, lon=lon, radius_km=random.choice([5, 15, 40]))
        if random.random() < 0.3:
            params["open_now"] = "true"
        self.client.get("/api/v1/directory/search", params=params, name="directory API search")

    @task(3)
    def directory_page(self):
        params = (
            {"q": random.choice(WORDS)} if random.random() < 0.5 else {"taxonomy": random.choice(TAXONOMY)}
        )
        self.client.get("/", params=params, name="directory search page")


class OutreachWorker(_Member):
    """10 of the 50: phones syncing the encounters they queued (1-8 at a time)."""

    weight = 10
    wait_time = between(2, 5)

    @task
    def sync(self):
        now = datetime.now(UTC)
        encounters = [
            {
                "client_uuid": str(uuid.uuid4()),
                "occurred_at": (now - timedelta(minutes=random.randint(1, 600))).isoformat(),
                "site": self.unit["site"],
                "participant_code": f"LD{random.randint(0, 4000):04d}X",
                "supplies": [
                    {"item": "syringe-1ml-28g", "quantity": random.choice([10, 20, 40])},
                    {"item": "fentanyl-test-strip", "quantity": random.choice([0, 5, 10]) or 1},
                ],
                "syringes_collected": random.randint(0, 40),
            }
            for _ in range(random.randint(1, 8))
        ]
        with self.client.post(
            "/api/v1/outreach/sync",
            json={"encounters": encounters},
            headers={"Authorization": f"Bearer {self.unit['token']}"},
            name="outreach sync",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and response.json().get("rejected"):
                response.failure(f"rejected records: {response.json()['results'][:1]}")


class ReferralStaff(_Member):
    """6 of the 50: receiving staff reading a referral and moving it along (in progress <-> on hold)."""

    weight = 6
    wait_time = between(2, 5)

    @task
    def referral_update(self):
        headers = {"Authorization": f"Bearer {self.referral['token']}"}
        path = f"/api/v1/referrals/{self.referral['id']}"
        response = self.client.get(path, headers=headers, name="referral read")
        if response.status_code != 200:
            return
        current = response.json()
        target = "on_hold" if current["state"] == "in_progress" else "in_progress"
        self.client.post(
            path + "/transitions",
            json={"to": target, "version": current["version"], "note": "load test follow-up"},
            headers=headers,
            name="referral update",
        )


class CoalitionAnalyst(_Member):
    """4 of the 50: coalition staff opening the outcomes pages and reading them (longer think time)."""

    weight = 4
    wait_time = between(5, 15)

    @task
    def dashboard(self):
        cookies = {"sessionid": self.dashboard_cookie}
        self.client.get("/outcomes/", cookies=cookies, name="outcomes home")
        self.client.get("/outcomes/dashboard/", cookies=cookies, name="coalition dashboard")


class BaselineUser(HttpUser):
    """The same number of users asking the same server for a static file: the floor the mix is compared to."""

    wait_time = WAIT

    @task
    def static_file(self):
        self.client.get("/static/css/meetpoint.css", name="baseline: static CSS")
