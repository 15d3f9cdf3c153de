from meetpoint.directory import synonyms
from meetpoint.directory.search import SearchQuery, search_services
from meetpoint.directory.tests.conftest import NOW
from meetpoint.directory.tests.test_search import names


def test_an_everyday_phrase_is_taken_out_of_the_text_with_the_types_it_means():
    rest, found = synonyms.split("Needle exchange near downtown")
    assert rest == "near downtown"
    assert [(s.phrase, s.types) for s in found] == [("needle exchange", ("syringe-services",))]


def test_the_longest_phrase_wins_and_words_match_whole():
    rest, found = synonyms.split("fentanyl test strips")
    assert rest == "" and [s.phrase for s in found] == ["fentanyl test strips"]
    rest, found = synonyms.split("needlepoint class")  # "needle" inside another word is no synonym
    assert rest == "needlepoint class" and found == []


def test_everyday_words_find_services_in_english_and_spanish(directory):
    syringes = {"Riverbend syringe services"}
    assert set(names(search_services(SearchQuery(text="needle exchange"), now=NOW))) == syringes
    assert set(names(search_services(SearchQuery(text="intercambio de jeringas"), now=NOW))) == syringes
    narcan = set(names(search_services(SearchQuery(text="Narcan"), now=NOW)))
    assert narcan == {"Riverbend naloxone kits", "Lakeside ED naloxone"}
    # The other words still have to match: a phrase does not widen a search past them.
    assert names(search_services(SearchQuery(text="narcan bicycle"), now=NOW)) == []
