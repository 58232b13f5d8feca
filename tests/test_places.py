"""Place attribution as spec files (tests/specs/places.yaml, run by tests/test_specs.py): a
new case needs no Python."""

from __future__ import annotations

from orchestration.text.extraction import extract_figures
from orchestration.text.parsing import parse_article
from orchestration.text.places import gazetteer, home_of_source, place_code_for, place_refs


def check_spec_case(case):
    """One case of tests/specs/places.yaml (tests/test_specs.py runs them all)."""
    parsed = parse_article(case["name"], case["text"])
    home = home_of_source(case.get("source"))  # the sidecar's paper, where the case names one
    figures = {f.surface: f for f in extract_figures(parsed, home=home)}
    for expected in case["figures"]:
        surface = expected["surface"]
        assert surface in figures, f"{surface} not read; read {sorted(figures)}"
        figure = figures[surface]
        if "place" in expected:
            want = place_code_for(expected["place"]) if expected["place"] else None
            assert expected["place"] is None or want, f"unknown place {expected['place']}"
            assert figure.place_code == want, (surface, figure.place_evidence)
        assert figure.city_code == expected["city"], (surface, figure.place_evidence)
        if "evidence" in expected:
            assert figure.place_evidence == expected["evidence"], surface


def test_every_city_of_a_county_place_is_one_of_the_twelve():
    places = gazetteer()
    twelve = {p.code for p in places.values() if p.level == "city"}
    assert len(twelve) == 12
    for place in places.values():
        if place.level == "county":
            assert place.city_code in twelve


def test_filters_and_offices_are_not_mentions():
    assert place_refs("大兴安岭林区") == []
    assert [r.code for r in place_refs("据满洲里海关统计,全市")] == ["municipal"]
    # the capital's region-wide offices are the region (places.csv aliases), not the capital
    assert [r.code for r in place_refs("据呼和浩特海关统计,全区")] == ["nmg", "nmg"]
    assert [r.is_object for r in place_refs("占自治区的")] == [True]


def test_a_local_papers_home():
    """The place a paper's title names, at league, city or county level; none for the
    region's or the nation's papers."""
    assert home_of_source("兴安日报") == "hinggan"
    assert home_of_source("满洲里市融媒体中心") == "manzhouli"
    assert home_of_source("鄂尔多斯发布") == "ordos"
    assert home_of_source("内蒙古日报") is None
    assert home_of_source("人民网") is None
    assert home_of_source(None) is None
