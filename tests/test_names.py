"""Names of areas and forces compared by one key (issue 19 groups 1 and 6)."""

from __future__ import annotations

import unicodedata

from csp_analysis.names import area_key, close_match, force_key


def test_force_names_of_the_ons_lookup_and_police_uk_meet() -> None:
    # PFA21NM spellings of lookups/lad_to_csp_to_pfa_semicolon.csv against police.uk's
    # "Falls within" (SOURCES.md): the same force, one key.
    pairs = [
        ("Essex", "Essex Police"),
        ("Kent", "Kent Police"),
        ("London, City of", "City of London Police"),
        ("Metropolitan Police", "Metropolitan Police Service"),
        ("Devon & Cornwall", "Devon and Cornwall Police"),
        ("Dyfed-Powys", "Dyfed-Powys Police"),
        ("Avon and Somerset", "Avon and Somerset Constabulary"),
    ]
    for ons, police in pairs:
        assert force_key(ons) == force_key(police), (ons, police)
    assert force_key("Essex") != force_key("Kent")
    assert force_key("North Yorkshire") != force_key("South Yorkshire")


def test_area_names_differing_in_case_spacing_hyphens_or_unicode_form_meet() -> None:
    same = ["Southend-on-Sea", "Southend on Sea", " SOUTHEND-ON-SEA ", "southend  on  sea"]
    assert len({area_key(n) for n in same}) == 1
    nfc = "Ynys M\u00f4n"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd and area_key(nfc) == area_key(nfd)
    assert area_key("Basildon") != area_key("Braintree")
    # ONS names against police.uk's LSOA names ("Bristol 001A", "St Albans 001A")
    assert area_key("Bristol, City of") == area_key("Bristol")
    assert area_key("Herefordshire, County of") == area_key("Herefordshire")
    assert area_key("St. Albans") == area_key("St Albans")
    assert area_key("Brighton & Hove") == area_key("Brighton and Hove")


def test_close_match_hint() -> None:
    areas = ["Southend-on-Sea", "Thurrock", "Basildon"]
    assert close_match("southend on see", areas) == "Southend-on-Sea"
    assert close_match("Zzyzx", areas) is None
