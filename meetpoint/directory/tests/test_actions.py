from datetime import date, time

import pytest

from meetpoint.directory import actions
from meetpoint.directory.models import Location, Schedule, Service


def test_out_of_range_coordinates_name_the_field_and_write_nothing(world, taxonomy):
    before = Location.objects.count()
    with pytest.raises(actions.DirectoryInputError) as problem:
        actions.save_location(
            world.home.organization, actions.LocationInput(name="X", latitude=40, longitude=-181)
        )
    assert "longitude" in problem.value.errors
    assert Location.objects.count() == before


def test_unknown_taxonomy_code_is_refused(world, taxonomy):
    with pytest.raises(actions.DirectoryInputError) as problem:
        actions.save_service(
            world.home.organization, actions.ServiceInput(name="X", taxonomy_codes=("naloxone", "magic"))
        )
    assert "magic" in problem.value.errors["taxonomy_codes"]
    assert not Service.objects.filter(name="X").exists()


def test_service_cannot_be_placed_at_another_organizations_location(world, directory):
    with pytest.raises(actions.DirectoryInputError) as problem:
        actions.save_service(
            world.home.organization,
            actions.ServiceInput(name="Sneaky", location_ids=(str(directory.hospital_site.pk),)),
        )
    assert "location_ids" in problem.value.errors


def test_inverted_hours_are_refused(directory):
    with pytest.raises(actions.DirectoryInputError) as problem:
        actions.add_schedule(
            actions.ScheduleInput(weekday=6, opens_at=time(22), closes_at=time(2)),
            location=directory.public_site,
        )
    assert "closes_at" in problem.value.errors and "two rows" in problem.value.errors["closes_at"]


def test_overlapping_hours_on_the_same_day_are_refused_but_other_days_and_touching_are_fine(directory):
    site = directory.public_site  # Mon-Fri 09:00-17:00
    with pytest.raises(actions.DirectoryInputError) as problem:
        actions.add_schedule(
            actions.ScheduleInput(weekday=0, opens_at=time(8), closes_at=time(9, 30)), location=site
        )
    assert "09:00–17:00" in problem.value.errors["opens_at"]
    actions.add_schedule(
        actions.ScheduleInput(weekday=0, opens_at=time(17), closes_at=time(19)), location=site
    )
    actions.add_schedule(
        actions.ScheduleInput(weekday=6, opens_at=time(9), closes_at=time(12)), location=site
    )
    # Overnight hours as two rows.
    actions.add_schedule(
        actions.ScheduleInput(weekday=5, opens_at=time(20), closes_at=time(23, 59)), location=site
    )
    actions.add_schedule(actions.ScheduleInput(weekday=6, opens_at=time(0), closes_at=time(4)), location=site)
    assert Schedule.objects.filter(location=site, weekday=6).count() == 2


def test_overlapping_dated_stops_are_refused(directory):
    with pytest.raises(actions.DirectoryInputError):
        actions.add_schedule(
            actions.ScheduleInput(date=date(2026, 11, 25), opens_at=time(11, 30), closes_at=time(13, 30)),
            location=directory.mobile_unit,
        )


def test_update_does_not_overlap_itself(directory):
    stop = directory.stop_now
    data = actions.ScheduleInput(
        date=stop.date, opens_at=time(9, 30), closes_at=time(12), stop_name="Far Lot"
    )
    assert actions.update_schedule(stop, data).opens_at == time(9, 30)


def test_weekday_or_date_and_time_zone_are_checked(directory):
    with pytest.raises(actions.DirectoryInputError) as problem:
        actions.add_schedule(
            actions.ScheduleInput(opens_at=time(9), closes_at=time(10), timezone="Mars/Olympus"),
            location=directory.public_site,
        )
    assert {"weekday", "timezone"} <= set(problem.value.errors)


def test_editing_another_organizations_service_is_refused(world, directory):
    with pytest.raises(actions.DirectoryInputError):
        actions.save_service(
            world.home.organization, actions.ServiceInput(name="Mine"), directory.hospital_naloxone
        )
