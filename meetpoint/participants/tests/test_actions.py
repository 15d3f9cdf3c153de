def test_a_participant_created_by_a_concurrent_request_is_found_not_an_error(world, monkeypatch):
    from meetpoint.participants.actions import find_or_create_participant
    from meetpoint.participants.models import Participant

    organization = world.home.organization
    existing, _ = find_or_create_participant(organization, "MA0785")
    real_filter = Participant.objects.filter
    lookups = []

    def first_lookup_misses(*args, **kwargs):
        # As if the other request's insert committed just after this one looked.
        lookups.append(kwargs)
        found = real_filter(*args, **kwargs)
        return found.none() if len(lookups) == 1 else found

    monkeypatch.setattr(Participant.objects, "filter", first_lookup_misses)
    found, created = find_or_create_participant(organization, "MA0785")
    assert found == existing and not created
    assert Participant.objects.count() == 1
