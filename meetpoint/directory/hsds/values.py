"""Reading one HSDS value for the loader: each conversion reports a problem (with the file, record id and field)
and returns None or "" when the value is unusable, so one run finds every problem."""

import math
import re
import uuid
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from meetpoint.directory.hsds.batch import Row
from meetpoint.directory.hsds.ids import to_uuid
from meetpoint.directory.hsds.problems import Problems


def is_web_address(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def mend_web_address(value: str) -> str | None:
    """A web address as feeds miswrite it, made whole (or None when it is none at all)."""
    mended = re.sub(r"\\+", "/", value)
    mended = re.sub(r"^(https?):/+(?=[^/])", r"\1://", mended, flags=re.IGNORECASE)
    if "://" not in mended:
        mended = f"https://{mended}"
    return mended if is_web_address(mended) else None


class ValueReader:
    problems: Problems
    source: str
    known: dict[type, set]

    def err(self, row: Row, name: str, message: str, done: str = "") -> None:
        self.problems.error(row.where(name), row.raw_id, name, message, row.line, done)

    def warn(self, row: Row, name: str, message: str, done: str = "") -> None:
        self.problems.warning(row.where(name), row.raw_id, name, message, row.line, done)

    def id_of(self, raw) -> uuid.UUID:
        return to_uuid(raw, self.source)

    def text(self, row: Row, name: str, model=None, model_field: str | None = None) -> str:
        value = row.values.get(name)
        if value is None:
            return ""
        if isinstance(value, dict | list):
            self.err(row, name, "must be text, not a list or object")
            return ""
        value = str(value).strip()
        if model is not None:
            max_length = model._meta.get_field(model_field or name).max_length
            if max_length and len(value) > max_length:
                self.err(
                    row,
                    name,
                    f"{len(value)} characters; Meetpoint stores at most {max_length}",
                )
                return value[:max_length]
        return value

    def number(self, row: Row, name: str, integer: bool = False) -> float | int | None:
        value = row.values.get(name)
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            self.err(row, name, f"{value!r} is not a number")
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.err(row, name, f"{value!r} is not a number")
            return None
        if math.isnan(number) or math.isinf(number):
            self.err(row, name, f"{value!r} is not a number")
            return None
        if integer:
            if math.isinf(number) or math.isnan(number) or abs(number) > 2_000_000_000:
                self.err(row, name, f"{value!r} is out of range")
                return None
            if number != int(number):
                self.err(row, name, f"{value!r} is not a whole number")
                return None
            return int(number)
        return number

    def clock(self, row: Row, name: str) -> time | None:
        value = str(row.values.get(name) or "").strip()
        if not value:
            return None
        core = value.upper().removesuffix("Z")
        for sign in ("+", "-"):
            if sign in core[1:]:
                core = core[: core.index(sign, 1)]  # "09:00+01:00": the offset is in the schedule's timezone
        for fmt in ("%H:%M:%S", "%H:%M", "%H:%M:%S.%f"):
            try:
                return datetime.strptime(core, fmt).time()
            except ValueError:
                continue
        if core in ("24:00", "24:00:00"):
            return time(23, 59, 59)
        # Lenient readings that real feeds need ("9:00am", "9am", "9:00 P.M.", "0900"), each reported.
        compact = core.replace(" ", "").replace(".", "")
        for fmt in ("%I:%M%p", "%I%p", "%I%M%p", "%H%M"):
            try:
                read = datetime.strptime(compact, fmt).time()
            except ValueError:
                continue
            self.warn(row, name, f"{value!r} is not HH:MM; read as {read:%H:%M}")
            return read
        self.err(row, name, f"{value!r} is not a time (HH:MM or HH:MM:SS)")
        return None

    def day(self, row: Row, name: str) -> date | None:
        value = str(row.values.get(name) or "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            self.err(row, name, f"{value!r} is not a date (YYYY-MM-DD)")
            return None

    def email(self, row: Row, name: str) -> str:
        value = self.text(row, name)
        if not value:
            return ""
        try:
            validate_email(value)
        except ValidationError:
            self.warn(row, name, f"{value!r} is not an email address; left empty")
            return ""
        return value

    def url(self, row: Row, *names: str) -> str:
        for name in names:
            value = self.text(row, name)
            if not value:
                continue
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                # Real feeds write "www.example.org", "https:/example.org" and "example.org\\path": each is
                # stored in its plain form and reported.
                mended = mend_web_address(value)
                if mended is None:
                    self.warn(row, name, f"{value!r} is not a web address; left empty")
                    return ""
                self.warn(row, name, f"{value!r} is not a full web address; stored as {mended}")
                value = mended
            if len(value) > 500:
                self.warn(row, name, "longer than 500 characters; left empty")
                return ""
            return value
        return ""

    def exists(self, model, pk: uuid.UUID) -> bool:
        known = self.known.setdefault(model, set())
        if pk in known:
            return True
        if model.objects.filter(pk=pk).exists():
            known.add(pk)
            return True
        return False

    def ref(self, row: Row, name: str, model, *, required: bool = False) -> uuid.UUID | None:
        """The Meetpoint id a foreign key names, when that record is in the input or the directory."""
        raw = row.values.get(name)
        if raw in (None, ""):
            if required:
                self.err(row, name, "is required")
            return None
        pk = self.id_of(raw)
        if self.exists(model, pk):
            return pk
        message = f"{raw} is in neither the input nor the directory"
        if required:
            self.err(row, name, message)
        else:
            self.warn(row, name, message + "; link left out")
        return None
