from django.core.management.base import BaseCommand

from meetpoint.directory.taxonomy import TAXONOMY_FILE, load_taxonomy


class Command(BaseCommand):
    help = "Loads (or updates) the service taxonomy from meetpoint/directory/data/taxonomy.json. Idempotent."

    def handle(self, *args, **options):
        version, count = load_taxonomy()
        self.stdout.write(
            self.style.SUCCESS(f"Taxonomy {version}: {count} terms loaded from {TAXONOMY_FILE}.")
        )
