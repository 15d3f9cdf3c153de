from ninja import Router

hsds_router = Router(tags=["hsds"])
