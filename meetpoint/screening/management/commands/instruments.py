"""`meetpoint instruments`: lists the instruments (version, items, whether their text is shipped or supplied);
`meetpoint instruments --validate FILE...` checks new or edited instrument files against the format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetpoint.screening.catalog import InstrumentFileError, all_instruments, load_file


class Command(BaseCommand):
    help = "Lists the screening instruments, or validates instrument files (--validate FILE ...)."

    def add_arguments(self, parser):
        parser.add_argument("--validate", nargs="+", metavar="FILE", help="instrument JSON files to check")

    def handle(self, *args, validate=None, **options):
        if validate:
            failures = []
            for name in validate:
                try:
                    instrument = load_file(Path(name))
                except InstrumentFileError as error:
                    failures.append(str(error))
                    continue
                self.stdout.write(
                    f"{name}: valid ({instrument.name} {instrument.version}, {len(instrument.items)} items)"
                )
            if failures:
                raise CommandError("\n".join(failures))
            return
        try:
            instruments = all_instruments()
        except InstrumentFileError as error:
            raise CommandError(str(error)) from None
        for instrument in instruments:
            data = instrument.data
            if data.get("text_supplied_by"):
                text = f"text supplied by {data['text_supplied_by']}"
            elif data["text_included"]:
                text = "text shipped"
            else:
                text = "ids and scoring only (licensed text not supplied)"
            self.stdout.write(
                f"{instrument.name:<24} {instrument.version:<8} {len(instrument.items):>3} items  {instrument.method:<9} {text}"
            )
