"""Importing area data: the SVI layout, a generic CSV, and bad files reported by line with nothing written."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from meetpoint.needs.actions import ImportRefused, import_area_data, set_aliases
from meetpoint.needs.importer import parse_area_csv
from meetpoint.needs.models import Area, AreaImport

from .conftest import SVI_HEADER


def test_svi_file_is_imported_with_the_documented_columns(db, svi_file):
    call_command("import_area_data", str(svi_file), "--layout", "svi")
    tract = Area.objects.get(code="42003010300")
    assert tract.level == "tract" and tract.population == 4000
    assert tract.name == "Census Tract 103, Allegheny County, Pennsylvania"
    assert tract.measures["RPL_THEMES"] == 0.93 and tract.measures["EP_NOVEH"] == 38.0
    assert "ST_ABBR" not in tract.measures  # text columns of the SVI file are not measures
    assert "EP_NOVEH" not in Area.objects.get(code="42003020100").measures  # -999 is missing
    assert Area.objects.filter(code="01001020100").exists()  # the spreadsheet-lost leading zero is restored
    assert AreaImport.objects.get().rows == 3


def test_importing_again_updates_the_areas(db, svi_file):
    call_command("import_area_data", str(svi_file), "--layout", "svi")
    set_aliases(Area.objects.get(code="42003010300"), ["152"])
    import_area_data("GEOID,overdose_deaths\n42003010300,7\n", layout="generic")
    tract = Area.objects.get(code="42003010300")
    assert tract.measures["overdose_deaths"] == 7 and tract.measures["RPL_THEMES"] == 0.93
    assert tract.aliases == ["152"] and tract.population == 4000
    assert Area.objects.count() == 3


def test_bad_file_reports_each_line_and_writes_nothing(db, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\n".join(
            [
                SVI_HEADER,
                "42,Pennsylvania,PA,Allegheny,42003010300,Tract 103,4000,0.91,0.5,0.7,0.8,0.93,41.2,9.1,12.5,38",
                "42,Pennsylvania,PA,Allegheny,4200301,Tract short,4000,0.91,0.5,0.7,0.8,0.93,41.2,9.1,12.5,38",
                "42,Pennsylvania,PA,Allegheny,42003020100,Tract 201,2000,0.2,0.3,0.1,0.4,high,10.4,3.2,4.1,5",
                "42,Pennsylvania,PA,Allegheny,4200X020100,Tract X,2000,0.2,0.3,0.1,0.4,0.2,10.4,3.2,4.1,5",
            ]
        )
        + "\n"
    )
    with pytest.raises(CommandError, match="3 problem"):
        call_command("import_area_data", str(bad), "--layout", "svi")
    errors = capsys.readouterr().err
    assert "bad.csv:3: FIPS: '4200301' is not a 5-digit county or 11-digit census tract FIPS code." in errors
    assert "bad.csv:4: RPL_THEMES: 'high' is not a number." in errors
    assert "bad.csv:5: FIPS: '4200X020100'" in errors
    assert not Area.objects.exists() and not AreaImport.objects.exists()


def test_generic_csv_with_a_named_area_column(db):
    text = "county_code,name,population,naloxone_pharmacies,median_income\n42003,Allegheny,1233000,88,66000\n42005,Armstrong,65000,,52000\n"
    with pytest.raises(ImportRefused) as refused:
        import_area_data(text, layout="generic")
    assert "No area code column" in refused.value.result.problems[0][1]
    import_area_data(text, layout="generic", area_column="county_code")
    county = Area.objects.get(code="42005")
    assert county.level == "county" and county.population == 65000 and county.name == "Armstrong"
    assert county.measures == {"median_income": 52000}


def test_generic_csv_refuses_text_in_numeric_columns():
    result = parse_area_csv("FIPS,rate\n42003,12.5\n42005,n/a\n", "generic")
    assert result.problems == [(3, "rate: 'n/a' is not a number.")]


def test_a_file_that_is_not_svi_is_refused():
    result = parse_area_csv("FIPS,E_TOTPOP\n42003,10\n", "svi")
    assert (1, "Not the SVI layout: the RPL_THEMES column is missing.") in result.problems


def test_upload_page_for_staff_and_admin(world, svi_file):
    url = reverse("needs:import")
    client = world.client(world.home.staff)
    with svi_file.open("rb") as upload:
        response = client.post(url, {"file": upload, "layout": "svi", "source": "SVI 2022"})
    assert response.status_code == 302
    assert Area.objects.count() == 3 and AreaImport.objects.get().organization == world.home.organization

    bad = b"FIPS,LOCATION,E_TOTPOP,RPL_THEMES\n123,Nowhere,10,0.5\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = world.client(world.outsider.admin).post(
        url, {"file": SimpleUploadedFile("bad.csv", bad), "layout": "svi"}
    )
    assert response.status_code == 400
    assert "Line 2: FIPS: &#x27;123&#x27; is not a 5-digit county" in response.content.decode()
    assert AreaImport.objects.count() == 1

    assert world.client(world.home.viewer).get(url).status_code == 403
    assert world.client(world.outsider.analyst).post(url, {"layout": "svi"}).status_code == 403
    assert world.client().get(url).status_code == 302
