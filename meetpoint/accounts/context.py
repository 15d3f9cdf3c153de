from meetpoint.navigation import links_for


def acting_membership(request) -> dict:
    membership = getattr(request, "membership", None)
    membership = membership if membership else None
    return {"membership": membership, "nav_links": links_for(membership)}
