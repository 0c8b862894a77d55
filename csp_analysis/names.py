"""One key for each name of an area or a police force, so that spellings of one name meet.

Files spell the same place and force differently: the ONS lookup says ``Essex`` where
police.uk says ``Essex Police``; a population table says ``Southend on Sea`` where police.uk's
LSOA names say ``Southend-on-Sea``; one extract writes ``ASHVALE`` and another ``Ashvale``,
or an accented letter in another Unicode form. Names are compared by their key (never by
their spelling), and shown as the data spell them.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

#: Words a force's name may carry or drop without naming another force.
_FORCE_WORDS = re.compile(r"\b(police service|police force|police|constabulary|service)\b")
#: Apostrophes and quotation marks written in other ways.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})
#: Hyphens and dashes of every kind (between words they are spaces).
_DASHES = re.compile(r"[\-\u2010-\u2015\u2212]+")
_SPACE = re.compile(r"\s+")
#: ONS writes "Bristol, City of" and "Herefordshire, County of" where police.uk's LSOA names
#: say "Bristol" and "Herefordshire".
_ONS_SUFFIX = re.compile(r",\s*(city|county) of$")


def area_key(name: object) -> str:
    """The key of an area name: Unicode NFC, case-folded, hyphens as spaces, spaces collapsed.

    Dots and ONS's ", City of" / ", County of" endings are dropped (``Bristol, City of`` is
    police.uk's ``Bristol``; ``St. Albans`` is ``St Albans``); ``&`` is ``and``.

    Parameters
    ----------
    name : object
        An area's name as a file writes it (anything ``str`` accepts).

    Returns
    -------
    str
        The key: two names with the same key are the same area.

    Examples
    --------
    >>> area_key("Southend-on-Sea") == area_key(" southend  on sea ")
    True
    >>> area_key("Ynys Mo\\u0302n") == area_key("Ynys M\\u00f4n")
    True
    >>> area_key("King\\u2019s Lynn")
    "king's lynn"
    >>> area_key("Bristol, City of"), area_key("St. Albans"), area_key("Brighton & Hove")
    ('bristol', 'st albans', 'brighton and hove')
    """
    return _ONS_SUFFIX.sub("", _plain(name))


def _plain(name: object) -> str:
    """NFC, case-folded, quotes made straight, hyphens, dots and runs of spaces one space."""
    text = unicodedata.normalize("NFC", str(name)).translate(_QUOTES).casefold()
    text = _DASHES.sub(" ", text).replace("&", " and ").replace(".", " ")
    return _SPACE.sub(" ", text).strip()


def force_key(name: object) -> str:
    """The key of a police force's name: :func:`area_key` without "Police", "Constabulary"
    or "Service", and with ONS's "London, City of" read as "City of London".

    Parameters
    ----------
    name : object
        A force's name as a file writes it.

    Returns
    -------
    str
        The key: two names with the same key are the same force.

    Examples
    --------
    >>> force_key("Essex Police") == force_key("Essex") == force_key("ESSEX CONSTABULARY")
    True
    >>> force_key("Metropolitan Police Service") == force_key("Metropolitan Police")
    True
    >>> force_key("London, City of") == force_key("City of London Police")
    True
    >>> force_key("Devon & Cornwall Police")
    'devon and cornwall'
    """
    key = _plain(name)
    if "," in key:  # ONS inverts some names: "London, City of"
        head, _, tail = key.partition(",")
        key = f"{tail.strip()} {head.strip()}"
    key = _FORCE_WORDS.sub(" ", key)
    return _SPACE.sub(" ", key).strip()


def close_match(name: str, names: list[str]) -> str | None:
    """The name among ``names`` closest to ``name`` by key, for a "did you mean" hint.

    Parameters
    ----------
    name : str
        A name that matched nothing.
    names : list of str
        The names that exist.

    Returns
    -------
    str or None
        The closest of ``names`` (as spelled there), or ``None`` when none is close.

    Examples
    --------
    >>> close_match("Southend on Sae", ["Southend-on-Sea", "Thurrock"])
    'Southend-on-Sea'
    """
    keys = {area_key(n): n for n in names}
    hit = difflib.get_close_matches(area_key(name), list(keys), n=1, cutoff=0.6)
    return keys[hit[0]] if hit else None
