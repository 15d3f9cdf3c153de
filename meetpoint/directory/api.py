from ninja import Router

router = Router(tags=["directory"])
hsds_router = Router(tags=["hsds"])
