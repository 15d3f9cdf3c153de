"""The public alerts as an Atom feed: the public level only (area, time window, what to carry; no count below K)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from meetpoint.alerts import levels
from meetpoint.alerts.queries import public_alerts


class PublicAlertsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Meetpoint public alerts")
    subtitle = _("Overdose spikes and bad batches by area, for everyone.")

    def link(self) -> str:
        return reverse("alerts:public")

    def items(self):
        return list(public_alerts()[:50])

    def item_title(self, item) -> str:
        shown = levels.public(item)
        name = shown["kind_label"] + (f" ({shown['substance']})" if shown["substance"] else "")
        return f"{name}: {shown['area_label']}"

    def item_description(self, item) -> str:
        shown = levels.public(item)
        parts = [f"{shown['first_day']} – {shown['last_day']}", shown["advice"]]
        if shown["count"] is not None:
            text = (
                _("%(count)s overdoses on the worst day.")
                if item.kind == "spike"
                else _("%(count)s samples.")
            )
            parts.insert(1, str(text) % {"count": shown["count"]})
        return " ".join(parts)

    def item_link(self, item) -> str:
        return reverse("alerts:public") + f"#alert-{item.pk}"

    def item_guid(self, item) -> str:
        return f"urn:uuid:{item.pk}"

    def item_updateddate(self, item):
        return item.closed_at or item.opened_at

    def item_pubdate(self, item):
        return item.opened_at
