"""Area data of the demo region: eight fictional census tracts of a fictional county, FIPS 42990 (Pennsylvania
has no county 990, so no real place is described). SVI-layout values are made up to give a spread of need.

The outreach app reports "area" as a ZIP3; the demo directory gives its sites ZIP3 152 (Three Rivers,
Northside, Millvale Heights) and 151 (Eastbrook, Southport). Those ZIP3s are aliased to the tract of each ZIP's
main town, so outreach reach lands there; education events carry the tract code itself.
"""

from meetpoint.demo.region import CENTER_LAT, CENTER_LON
from meetpoint.needs.actions import import_area_data, set_aliases
from meetpoint.needs.models import Area

COUNTY = "42990"
# tract code, name, residents, SVI (RPL_THEMES), themes 1-4, % <150% poverty, % unemployed, % uninsured,
# % no vehicle, interior point offset from the region's centre (dlat, dlon) — near the mobile-unit stops.
TRACTS = [
    (
        "42990010100",
        "Downtown Three Rivers",
        5200,
        0.71,
        (0.74, 0.55, 0.62, 0.81),
        34.1,
        8.2,
        10.9,
        31.0,
        (-0.006, 0.002),
    ),
    (
        "42990010200",
        "Riverfront",
        3100,
        0.64,
        (0.66, 0.51, 0.58, 0.70),
        29.4,
        7.1,
        9.8,
        24.5,
        (0.004, -0.010),
    ),
    (
        "42990020100",
        "Northside",
        4400,
        0.88,
        (0.91, 0.72, 0.69, 0.84),
        45.3,
        11.9,
        14.2,
        36.8,
        (0.030, -0.020),
    ),
    (
        "42990020200",
        "Millvale Heights",
        3800,
        0.93,
        (0.95, 0.81, 0.77, 0.88),
        48.7,
        13.4,
        15.6,
        29.9,
        (0.045, 0.020),
    ),
    ("42990030100", "Eastbrook", 4900, 0.47, (0.44, 0.52, 0.49, 0.41), 21.0, 5.6, 7.7, 12.3, (0.012, 0.045)),
    (
        "42990030200",
        "Southport",
        3600,
        0.82,
        (0.85, 0.70, 0.80, 0.66),
        41.8,
        10.7,
        13.1,
        22.4,
        (-0.040, 0.010),
    ),
    ("42990040100", "Hilltop", 2700, 0.58, (0.55, 0.63, 0.41, 0.60), 26.2, 6.4, 8.8, 15.1, (-0.020, -0.035)),
    ("42990040200", "Valley", 2300, 0.21, (0.18, 0.33, 0.15, 0.27), 11.5, 3.1, 4.2, 5.0, (0.060, -0.045)),
]
TRACT_BY_NAME = {name: code for code, name, *_ in TRACTS}
ZIP3_ALIASES = {"152": "42990010100", "151": "42990030100"}


def svi_csv() -> str:
    lines = [
        "ST,STATE,ST_ABBR,COUNTY,FIPS,LOCATION,E_TOTPOP,RPL_THEME1,RPL_THEME2,RPL_THEME3,RPL_THEME4,"
        "RPL_THEMES,EP_POV150,EP_UNEMP,EP_UNINSUR,EP_NOVEH,INTPTLAT,INTPTLON"
    ]
    for code, name, people, svi, themes, poverty, unemployed, uninsured, no_vehicle, (dlat, dlon) in TRACTS:
        lines.append(
            f'42,Pennsylvania,PA,Three Rivers,{code},"{name}, Three Rivers County (fictional)",{people},'
            f"{','.join(str(t) for t in themes)},{svi},{poverty},{unemployed},{uninsured},{no_vehicle},"
            f"{CENTER_LAT + dlat:.5f},{CENTER_LON + dlon:.5f}"
        )
    return "\n".join(lines) + "\n"


def load(region) -> None:
    # The network's shared area data, imported by the site administrator: every partner's ranking uses it
    # until the partner imports or chooses other data.
    import_area_data(
        svi_csv(),
        layout="svi",
        file_name="demo-svi-tracts.csv",
        source="Demo data in the CDC/ATSDR SVI layout (fictional tracts)",
    )
    for zip3, code in ZIP3_ALIASES.items():
        set_aliases(Area.objects.get(owner=None, code=code), [zip3])
