"""The demo region's education work: the co-hosts it names accepted their invitations, and one invitation waits,
so the invitations page shows how it works."""

from meetpoint.demo.region import Region
from meetpoint.directory import demo as directory_demo
from meetpoint.education import demo
from meetpoint.education.models import Event, Invitation, TakeBackEvent


def test_demo_co_hosts_accepted_and_one_invitation_waits(db):
    region = Region()
    directory_demo.load(region)
    demo.load(region)
    officers = Event.objects.get(title="Overdose response and naloxone for patrol officers")
    assert [org.slug for org in officers.co_hosts] == ["three-rivers-police"]
    fall = TakeBackEvent.objects.get(title="Fall drug take-back day")
    assert [org.slug for org in fall.partners] == ["three-rivers-police"]
    waiting = Invitation.objects.get(status=Invitation.Status.PENDING)
    assert waiting.organization.slug == "three-rivers-health"
    assert waiting.inviter.slug == "three-rivers-coalition" and waiting.event.co_hosts == []
    assert Invitation.objects.filter(status=Invitation.Status.ACCEPTED).count() >= 6
