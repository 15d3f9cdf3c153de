"""`meetpoint score INSTRUMENT`: reads {"answers": ..., "sex": ..., "age": ...} as JSON on standard input and
prints the scoring engine's JSON result. Exit 1 for answers that cannot be scored (the message, naming the item,
goes to standard error), exit 2 for an unknown instrument or a usage error."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from meetpoint.screening.catalog import UnknownInstrument, get_instrument, instrument_names
from meetpoint.screening.scoring import AnswerError, score_with


class Command(BaseCommand):
    help = "Scores answers read as JSON from standard input with INSTRUMENT and prints the JSON result."

    def add_arguments(self, parser):
        parser.add_argument("instrument", help=f"one of: {', '.join(instrument_names())}")
        parser.add_argument("--sex", choices=["female", "male"], help="overrides 'sex' in the input")
        parser.add_argument("--age", type=int, help="overrides 'age' in the input")
        parser.add_argument("--compact", action="store_true", help="print the result on one line")

    def handle(self, *args, instrument: str, sex=None, age=None, compact=False, **options):
        try:
            loaded = get_instrument(instrument)
        except UnknownInstrument as unknown:
            raise CommandError(str(unknown), returncode=2) from None
        text = sys.stdin.read()
        if not text.strip():
            raise CommandError(
                "No input: pipe the answers as JSON, e.g. echo '{\"answers\": [0, 1, 2]}' | meetpoint score audit-c"
            )
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"The input is not JSON: {error}") from None
        if isinstance(payload, dict):
            if sex:
                payload["sex"] = sex
            if age is not None:
                payload["age"] = age
        try:
            result = score_with(loaded, payload)
        except AnswerError as error:
            raise CommandError(error.message) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=None if compact else 2))
