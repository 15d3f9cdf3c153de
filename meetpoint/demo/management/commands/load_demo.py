import importlib

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from meetpoint.accounts.models import Organization
from meetpoint.demo.region import DEMO_PASSWORD, Region

# In dependency order: each app's demo.py may use what earlier ones made.
LOADERS = [
    "directory",
    "screening",
    "referrals",
    "inventory",
    "outreach",
    "education",
    "policy",
    "needs",
    "outcomes",
    "alerts",
]


class Command(BaseCommand):
    help = (
        "Loads the fictional demo region (partners, services, mobile units, activity) and prints demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Load even if demo data is already present.")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, reset: bool = False, seed: int = 2024, **options):
        if Organization.objects.filter(slug="three-rivers-coalition").exists() and not reset:
            self.stdout.write("The demo region is already loaded (use --reset to load it again).")
            self._print_logins()
            return
        if reset:
            Organization.objects.all().delete()
        region = Region(seed=seed)
        with transaction.atomic():
            for app in LOADERS:
                try:
                    module = importlib.import_module(f"meetpoint.{app}.demo")
                except ModuleNotFoundError as missing:
                    if missing.name != f"meetpoint.{app}.demo":
                        raise
                    continue
                self.stdout.write(f"Loading demo {app}…")
                module.load(region)
        if not region.organizations:
            raise CommandError("No demo data was loaded.")
        self._give_demo_members_addresses()
        self._print_logins()

    @staticmethod
    def _give_demo_members_addresses() -> None:
        # After the history is loaded, so loading it e-mails nobody; from then on invitations, password resets and
        # referral notices reach the demo members (`make demo` prints them with the console backend).
        from django.db.models import Value
        from django.db.models.functions import Concat

        from meetpoint.accounts.models import User

        User.objects.filter(username__startswith="demo-", email="").update(
            email=Concat("username", Value("@example.org"))
        )

    def _print_logins(self) -> None:
        from meetpoint.accounts.models import Membership

        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD}):"))
        demo = Membership.objects.filter(user__username__startswith="demo-").select_related(
            "user", "organization"
        )
        for membership in demo.order_by("organization__name", "role"):
            self.stdout.write(
                f"  {membership.user.username:<28} {membership.get_role_display():<8} {membership.organization.name}"
            )
