"""Reading area-level CSV files: the CDC/ATSDR Social Vulnerability Index layout, or any CSV with an area code
column and numeric columns. No database: `parse_area_csv` returns rows or per-line problems.

SVI columns used (others are ignored): FIPS (area code), LOCATION (name), E_TOTPOP (population), and the measures
in SVI_MEASURES. SVI writes -999 for "no data"; it is read as missing.
"""

import csv
import io
import math
import re
from dataclasses import dataclass, field

SVI_MEASURES = (
    "RPL_THEMES",  # overall percentile ranking (0-1), the headline SVI
    "RPL_THEME1",  # socioeconomic status
    "RPL_THEME2",  # household characteristics
    "RPL_THEME3",  # racial and ethnic minority status
    "RPL_THEME4",  # housing type and transportation
    "EP_POV150",  # % below 150% of the poverty line
    "EP_UNEMP",  # % unemployed
    "EP_HBURD",  # % housing cost-burdened
    "EP_NOHSDP",  # % without a high school diploma
    "EP_UNINSUR",  # % uninsured
    "EP_AGE65",
    "EP_AGE17",
    "EP_DISABL",
    "EP_SNGPNT",
    "EP_LIMENG",
    "EP_MINRTY",
    "EP_MUNIT",
    "EP_MOBILE",
    "EP_CROWD",
    "EP_NOVEH",  # % of households with no vehicle
    "EP_GROUPQ",
    "EP_NOINT",  # % without a broadband internet subscription
)
SVI_MISSING = -999.0
AREA_COLUMNS = ("FIPS", "GEOID", "AREA", "AREA_CODE", "COUNTYFIPS", "TRACTFIPS")
NAME_COLUMNS = ("LOCATION", "NAME", "AREA_NAME")
POPULATION_COLUMNS = ("E_TOTPOP", "POPULATION", "TOTPOP", "POP")
LATITUDE_COLUMNS = ("INTPTLAT", "LATITUDE", "LAT")
LONGITUDE_COLUMNS = ("INTPTLON", "INTPTLONG", "LONGITUDE", "LON")
MAX_PROBLEMS = 200  # a wholly wrong file stops being listed after this many lines


@dataclass
class AreaRow:
    line: int
    code: str
    level: str  # "county" or "tract"
    name: str = ""
    population: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    measures: dict = field(default_factory=dict)


@dataclass
class ParseResult:
    rows: list[AreaRow]
    problems: list[tuple[int, str]]  # (line number in the file, what is wrong)
    columns: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def area_level(code: str) -> str | None:
    if re.fullmatch(r"\d{5}", code):
        return "county"
    if re.fullmatch(r"\d{11}", code):
        return "tract"
    return None


def normalize_code(raw: str) -> str:
    """A FIPS code as text. A 4- or 10-digit code lost its leading zero in a spreadsheet (states 01-09)."""
    code = (raw or "").strip()
    if re.fullmatch(r"\d{4}|\d{10}", code):
        code = "0" + code
    return code


def _number(raw: str) -> float | None:
    """A float, None when blank; raises ValueError for text or non-finite values."""
    text = (raw or "").strip().replace(",", "")
    if text == "":
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value


def _find(headers: dict[str, str], candidates) -> str | None:
    for candidate in candidates:
        if candidate in headers:
            return headers[candidate]
    return None


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _reader(record: dict, layout: str, line_problems: list[str]):
    """Reads one numeric cell of `record`, noting a problem (and giving None) for text."""

    def read(column: str) -> float | None:
        try:
            value = _number(record.get(column) or "")
        except ValueError:
            line_problems.append(f"{column}: {record.get(column)!r} is not a number.")
            return None
        if layout == "svi" and value == SVI_MISSING:
            return None
        return value

    return read


def parse_area_csv(text: str, layout: str, area_column: str | None = None) -> ParseResult:
    if layout not in ("svi", "generic"):
        raise ValueError("layout must be 'svi' or 'generic'.")
    reader = csv.DictReader(io.StringIO(text))
    columns = [c for c in (reader.fieldnames or []) if c is not None]
    headers = {c.strip().upper(): c for c in columns}
    problems: list[tuple[int, str]] = []
    if not columns:
        return ParseResult([], [(1, "The file is empty or has no header line.")], columns)
    if area_column:
        code_column = area_column if area_column in columns else headers.get(area_column.strip().upper())
        if code_column is None:
            return ParseResult([], [(1, f"No column {area_column!r} in the header.")], columns)
    else:
        code_column = _find(headers, ("FIPS",) if layout == "svi" else AREA_COLUMNS)
        if code_column is None:
            wanted = (
                "FIPS" if layout == "svi" else " or ".join(AREA_COLUMNS) + " (or name it with --area-column)"
            )
            return ParseResult([], [(1, f"No area code column: expected {wanted}.")], columns)
    name_column = _find(headers, NAME_COLUMNS)
    population_column = _find(headers, POPULATION_COLUMNS)
    latitude_column = _find(headers, LATITUDE_COLUMNS)
    longitude_column = _find(headers, LONGITUDE_COLUMNS)
    special = {code_column, name_column, population_column, latitude_column, longitude_column}
    if layout == "svi":
        measure_columns = [headers[m] for m in SVI_MEASURES if m in headers]
        if "RPL_THEMES" not in headers:
            problems.append((1, "Not the SVI layout: the RPL_THEMES column is missing."))
    else:
        measure_columns = [c for c in columns if c not in special]
    rows: list[AreaRow] = []
    seen: dict[str, int] = {}
    for line, record in enumerate(reader, start=2):
        if len(problems) >= MAX_PROBLEMS:
            problems.append((line, "Too many problems; stopped reading here."))
            break
        if None in record:
            problems.append((line, "More values than columns in the header."))
            continue
        if all(not (value or "").strip() for value in record.values()):
            continue  # a blank line
        raw_code = record.get(code_column) or ""
        code = normalize_code(raw_code)
        level = area_level(code)
        if level is None:
            problems.append(
                (
                    line,
                    f"{code_column}: {raw_code!r} is not a 5-digit county or 11-digit census tract FIPS code.",
                )
            )
            continue
        if code in seen:
            problems.append((line, f"{code_column}: {code} already appears on line {seen[code]}."))
            continue
        seen[code] = line
        row = AreaRow(line=line, code=code, level=level)
        if name_column:
            row.name = (record.get(name_column) or "").strip()[:255]
        line_problems = []

        read = _reader(record, layout, line_problems)

        if population_column:
            population = read(population_column)
            if population is not None:
                if population < 0 or population != int(population):
                    line_problems.append(f"{population_column}: {population:g} is not a count of people.")
                else:
                    row.population = int(population)
        for column, attribute, low, high in (
            (latitude_column, "latitude", -90, 90),
            (longitude_column, "longitude", -180, 180),
        ):
            if column:
                value = read(column)
                if value is not None and not low <= value <= high:
                    line_problems.append(f"{column}: {value:g} is out of range.")
                else:
                    setattr(row, attribute, value)
        for column in measure_columns:
            value = read(column)
            if value is not None:
                row.measures[column.strip().upper() if layout == "svi" else column.strip()] = value
        if line_problems:
            problems.extend((line, problem) for problem in line_problems)
            continue
        rows.append(row)
    if not rows and not problems:
        problems.append((1, "The file has a header but no areas."))
    return ParseResult(rows, problems, columns)
