import pytest

from meetpoint import indicators

SVI_HEADER = "ST,STATE,ST_ABBR,COUNTY,FIPS,LOCATION,E_TOTPOP,RPL_THEME1,RPL_THEME2,RPL_THEME3,RPL_THEME4,RPL_THEMES,EP_POV150,EP_UNEMP,EP_UNINSUR,EP_NOVEH"


@pytest.fixture
def svi_file(tmp_path):
    """A small file in the CDC/ATSDR SVI layout (tract level), with one -999 and one lost leading zero."""
    lines = [
        SVI_HEADER,
        '42,Pennsylvania,PA,Allegheny,42003010300,"Census Tract 103, Allegheny County, Pennsylvania",4000,0.91,0.5,0.7,0.8,0.93,41.2,9.1,12.5,38.0',
        '42,Pennsylvania,PA,Allegheny,42003020100,"Census Tract 201, Allegheny County, Pennsylvania",2000,0.2,0.3,0.1,0.4,0.22,10.4,3.2,4.1,-999',
        '01,Alabama,AL,Autauga,1001020100,"Census Tract 201, Autauga County, Alabama",1900,0.5,0.5,0.5,0.5,0.51,20,5,8,6',
    ]
    path = tmp_path / "svi_tracts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def reach_indicators(monkeypatch):
    """Stand-ins for the outreach indicators (encounters, overdoses by area), registered for one test. The
    counts are those of one day, the first of the default period (the last quarter that ended); a test may
    put counts on other days under `counts["by_day"][day][code]`."""
    from meetpoint.needs.queries import default_period

    counts = {"outreach_encounters": {}, "overdoses_reported_fatal": {}, "by_day": {}}
    first_day = default_period().start

    def provider(code):
        def compute(scope, group_by):
            assert group_by == ("area",)
            found: dict = {}
            days = {first_day: counts[code], **{d: c.get(code, {}) for d, c in counts["by_day"].items()}}
            for day, by_area in days.items():
                if scope.start <= day <= scope.end:
                    for key, value in by_area.items():
                        found[(key,)] = found.get((key,), 0) + value
            return found

        return compute

    for code in ("outreach_encounters", "overdoses_reported_fatal"):
        monkeypatch.setitem(
            indicators.registry,
            code,
            indicators.Indicator(
                code=code, name=code, definition="test", unit="n", provider="test", compute=provider(code)
            ),
        )
    return counts
