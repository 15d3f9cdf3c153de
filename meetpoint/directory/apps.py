from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "meetpoint.directory"
    label = "directory"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from meetpoint import navigation
        from meetpoint.directory import taxonomy
        from meetpoint.directory.models import TaxonomyTerm

        navigation.register(_("Find services"), "directory:search", order=10, public=True)
        navigation.register(_("Map"), "directory:map", order=11, public=True)
        navigation.register(_("Mobile units today"), "directory:mobile_today", order=12, public=True)
        navigation.register(
            _("Our services"), "directory:manage", order=20, roles=frozenset({"admin", "staff"})
        )
        from meetpoint.directory.attention import next_stop

        navigation.register_attention(_("Our van today"), "directory:mobile_today", order=12, note=next_stop)
        post_save.connect(taxonomy.invalidate_cache, sender=TaxonomyTerm, dispatch_uid="taxonomy-cache-save")
        post_delete.connect(taxonomy.invalidate_cache, sender=TaxonomyTerm, dispatch_uid="taxonomy-cache-del")
