"""meetpoint export_hsds DIR — the directory as HSDS 3.1 JSON (validated) and tabular CSV with datapackage.json."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetpoint.accounts import audit
from meetpoint.directory.hsds.export import ExportInvalid, export_directory


class Command(BaseCommand):
    help = (
        "Write the directory as HSDS 3.1: services.json, organizations.json, taxonomies.json, "
        "taxonomy_terms.json (validated against the official schemas) and csv/ (the tabular form with "
        "datapackage.json). Public by default: confidential sites appear only as their approximate area."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="folder to write into (created if absent)")
        parser.add_argument(
            "--include-confidential",
            action="store_true",
            help="write exact coordinates and addresses of confidential sites (partner-internal use only; never "
            "publish this export)",
        )

    def handle(self, *args, directory, include_confidential, **options):
        target = Path(directory)
        if target.exists() and not target.is_dir():
            raise CommandError(f"{target} exists and is not a folder.")
        if target.is_symlink():
            raise CommandError(f"{target} is a symbolic link; give a real folder.")
        try:
            result = export_directory(target, partner=include_confidential)
        except ExportInvalid as exc:
            for line in exc.found:
                self.stderr.write(line)
            raise CommandError(
                f"no record validates against the HSDS 3.1 schemas ({len(exc.found)} left out); nothing was "
                "written."
            ) from None
        counts = result.counts
        for line in result.left_out:
            self.stderr.write(f"Warning: {line}")
        detail = {"folder": str(target.resolve()), "confidential_places": include_confidential, **counts}
        with audit.command_transaction():
            audit.record_command("directory.hsds.export", command="export_hsds", detail=detail)
            for organization in result.exposed:
                # Each organization whose confidential sites this export gives away sees it in its own log.
                audit.record_command(
                    "directory.hsds.confidential_export",
                    command="export_hsds",
                    organization=organization,
                    detail={**detail, "exposed_organizations": len(result.exposed)},
                )
        kind = "PARTNER-INTERNAL (exact confidential places)" if include_confidential else "public"
        self.stdout.write(
            f"Wrote a {kind} HSDS 3.1 export to {target}: {counts['services']} services, "
            f"{counts['organizations']} organizations, {counts['taxonomies']} taxonomies, "
            f"{counts['taxonomy_terms']} taxonomy terms (JSON validated against the official schemas) and "
            f"{target / 'csv'} with datapackage.json."
        )
