"""Deterministic generator of small, invented sample inputs for the pipeline.

The pipeline reads three public inputs (IRS SOI 2016 ZIP income data and the
NYC Parks directories of parks and playgrounds).  Unit tests, the e2e tests
and new contributors need something of the same shape that fits in the
repository and runs offline, so this module writes stand-ins that copy the
*layout and quirks* of the published files but none of their rows:

* ``16zpallagi.csv`` -- all 147 columns with the header exactly as the IRS
  publishes it (mixed case: ``mars1``, ``n21020``, ``a21020``), six rows per
  ZIP (``agi_stub`` 1..6), the NY state total (``zipcode`` 0) and "other
  ZIPs" (99999) rows, and a few New Jersey ZIPs so a ``STATE == "NY"`` filter
  has something to remove.
* ``DPR_Parks_sample.json`` -- a compact JSON array (keys ``Prop_ID``, ``Name``,
  ``Location``, ``Zip``) with null, multi-ZIP and truncated multi-ZIP values.
* ``DPR_Playgrounds_sample.json`` -- a compact JSON array of playgrounds, some on
  parks with several playgrounds, some on no known park, and school yards
  whose ``Prop_ID`` is only a borough letter.

Everything is drawn from :class:`random.Random` with fixed seeds and nothing
depends on the clock or the environment, so two runs write byte-identical
files.  Only the standard library is used: the generator must run where
Spark is not installed.

Run it with ``python -m playgrounds.sources.samples --out data/samples``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

SEED = 2019
"""Base seed; each output file gets its own stream so editing one file's
generator does not reshuffle the other two."""

IRS_FILE = "16zpallagi.csv"
PARKS_FILE = "DPR_Parks_sample.json"
PLAYGROUNDS_FILE = "DPR_Playgrounds_sample.json"
FILE_NAMES: tuple[str, ...] = (IRS_FILE, PARKS_FILE, PLAYGROUNDS_FILE)

DEFAULT_OUT = Path("data/samples")

# ---------------------------------------------------------------------------
# IRS SOI 2016 ZIP code data
# ---------------------------------------------------------------------------

# The published header, typed out rather than read from the real file: the
# generator must work without ../shared.  Case is as published (mars1, n21020
# and a21020 are lower case) because readers that select columns by name
# must cope with exactly that.
IRS_COLUMNS: tuple[str, ...] = (
    "STATEFIPS", "STATE", "zipcode", "agi_stub", "N1", "mars1", "MARS2", "MARS4", "PREP", "N2",
    "NUMDEP", "TOTAL_VITA", "VITA", "TCE", "VITA_EIC", "RAL", "RAC", "ELDERLY", "A00100", "N02650",
    "A02650", "N00200", "A00200", "N00300", "A00300", "N00600", "A00600", "N00650", "A00650",
    "N00700", "A00700", "N00900", "A00900", "N01000", "A01000", "N01400", "A01400", "N01700",
    "A01700", "SCHF", "N02300", "A02300", "N02500", "A02500", "N26270", "A26270", "N02900",
    "A02900", "N03220", "A03220", "N03300", "A03300", "N03270", "A03270", "N03150", "A03150",
    "N03210", "A03210", "N03230", "A03230", "N03240", "A03240", "N04470", "A04470", "A00101",
    "N17000", "A17000", "N18425", "A18425", "N18450", "A18450", "N18500", "A18500", "N18800",
    "A18800", "N18300", "A18300", "N19300", "A19300", "N19500", "A19500", "N19530", "A19530",
    "N19550", "A19550", "N19570", "A19570", "N19700", "A19700", "N20800", "A20800", "n21020",
    "a21020", "N04800", "A04800", "N05800", "A05800", "N09600", "A09600", "N05780", "A05780",
    "N07100", "A07100", "N07300", "A07300", "N07180", "A07180", "N07230", "A07230", "N07240",
    "A07240", "N07220", "A07220", "N07260", "A07260", "N09400", "A09400", "N85770", "A85770",
    "N85775", "A85775", "N09750", "A09750", "N10600", "A10600", "N59660", "A59660", "N59720",
    "A59720", "N11070", "A11070", "N10960", "A10960", "N11560", "A11560", "N06500", "A06500",
    "N10300", "A10300", "N85530", "A85530", "N85300", "A85300", "N11901", "A11901", "N11902",
    "A11902",
)  # fmt: skip

AGI_STUBS: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
STATE_TOTAL_ZIP = 0
OTHER_ZIPS = 99999

NY_FIPS = 36
NY_ZIPS: tuple[int, ...] = (
    10002, 10009, 10025, 10027, 10029,  # Manhattan
    10301, 10314,  # Staten Island
    10451, 10456, 10463,  # Bronx
    11201, 11206, 11211, 11215, 11222, 11226, 11236,  # Brooklyn
    11354, 11368, 11375,  # Queens
)  # fmt: skip

NY_ZIP_WITHOUT_PARK = 10029
"""In the income data but deliberately given no park, so the inner join drops it."""

PARK_ZIP_WITHOUT_IRS = "11239"
"""A real Brooklyn ZIP used by parks but absent from the IRS sample."""

# New Jersey sorts before New York in the whole-US file (FIPS 34 < 36).  The
# IRS writes zipcode as a bare integer, so 07030 appears as 7030 -- kept, as
# the real NY extract does the same with Fishers Island's 06390.
NJ_FIPS = 34
NJ_ZIPS: tuple[int, ...] = (7030, 7087, 7302)

# Mean AGI per return (in $1,000, as the IRS amounts are) inside each bracket:
# $1-25k, 25-50k, 50-75k, 75-100k, 100-200k, 200k+.
_AGI_PER_RETURN: tuple[float, ...] = (12.0, 37.0, 62.0, 87.0, 135.0, 420.0)

# How filing status shifts with income: singles dominate the low brackets,
# joint returns the high ones.  MARS3 is not published, so they need not sum to 1.
_SINGLE_SHARE: tuple[float, ...] = (0.72, 0.62, 0.52, 0.38, 0.24, 0.16)
_JOINT_SHARE: tuple[float, ...] = (0.09, 0.14, 0.26, 0.45, 0.66, 0.78)
_HOH_SHARE: tuple[float, ...] = (0.17, 0.22, 0.19, 0.12, 0.06, 0.03)

# Columns whose meaning is well known get realistic shapes; the rest get a
# generic profile (see _pair_profiles).  Values per agi_stub: share of returns
# reporting the item, and amount per reporting return as a fraction of the
# bracket's AGI per return.  A negative fraction gives a net loss, as the
# real file has for capital gains (A01000) in the lowest bracket.
_SPECIAL_PAIRS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "02650": ((1.0,) * 6, (1.02, 1.01, 1.01, 1.01, 1.02, 1.03)),  # total income
    "00200": ((0.74, 0.85, 0.87, 0.87, 0.86, 0.82), (0.8, 0.85, 0.82, 0.8, 0.75, 0.5)),  # wages
    "01000": ((0.03, 0.05, 0.08, 0.12, 0.2, 0.45), (-0.25, 0.02, 0.03, 0.04, 0.08, 0.3)),
    "04470": ((0.06, 0.18, 0.35, 0.5, 0.7, 0.9), (0.9, 0.5, 0.35, 0.3, 0.25, 0.15)),  # itemized
    "59660": ((0.35, 0.18, 0.0, 0.0, 0.0, 0.0), (0.15, 0.04, 0.0, 0.0, 0.0, 0.0)),  # EITC
    "59720": ((0.3, 0.15, 0.0, 0.0, 0.0, 0.0), (0.13, 0.03, 0.0, 0.0, 0.0, 0.0)),
    "06500": ((0.45, 0.85, 0.95, 0.98, 0.99, 0.99), (0.02, 0.06, 0.09, 0.11, 0.15, 0.25)),
    "10300": ((0.55, 0.88, 0.96, 0.98, 0.99, 0.99), (0.04, 0.07, 0.1, 0.12, 0.16, 0.27)),
}

# Generic items grow more common and larger with income.
_GENERIC_SHARE_BY_STUB: tuple[float, ...] = (0.5, 0.8, 1.0, 1.15, 1.3, 1.4)
_GENERIC_AMOUNT_BY_STUB: tuple[float, ...] = (0.3, 0.6, 0.9, 1.2, 2.0, 6.0)

_PAIR_COLUMN = re.compile(r"^([NnAa])(\d{5})$")

IrsRow = list[int | str]


def _count(value: float) -> int:
    """Round a return count the way the IRS publishes it.

    SOI rounds counts to the nearest ten and suppresses cells under 20, so
    small counts become 0 -- which is also why so many real cells are 0.
    """
    rounded = round(value / 10) * 10
    return rounded if rounded >= 20 else 0


def _amount(count: int, per_return: float) -> int:
    """Amount in $1,000 for ``count`` returns; 0 where the count was suppressed."""
    return 0 if count == 0 else round(count * per_return)


def _pair_profiles(rng: random.Random) -> dict[str, tuple[float, float]]:
    """Draw a (share of returns, $1,000 per return) profile for each generic item.

    Drawn once per file rather than per row so that a column looks like one
    tax item across all ZIPs instead of noise.
    """
    profiles: dict[str, tuple[float, float]] = {}
    for column in IRS_COLUMNS:
        match = _PAIR_COLUMN.match(column)
        if match and match.group(1) in "Nn" and match.group(2) not in _SPECIAL_PAIRS:
            profiles[match.group(2)] = (rng.uniform(0.02, 0.45), rng.uniform(0.2, 6.0))
    return profiles


def _irs_zip_rows(
    rng: random.Random,
    profiles: dict[str, tuple[float, float]],
    fips: int,
    state: str,
    zipcode: int,
    returns: int,
    affluence: float,
) -> list[IrsRow]:
    """Six rows (one per agi_stub) for one ZIP.

    ``returns`` is roughly the ZIP's number of returns and ``affluence`` (0..1)
    tilts them toward the higher brackets, so ZIPs differ the way real ones do.
    """
    weights = [
        1.3 - 0.6 * affluence,
        1.0 - 0.3 * affluence,
        0.7,
        0.45 + 0.1 * affluence,
        0.35 + 0.5 * affluence,
        0.1 + 0.8 * affluence,
    ]
    total_weight = sum(weights)
    rows: list[IrsRow] = []
    for index, stub in enumerate(AGI_STUBS):
        jitter = rng.uniform
        n1 = max(20, _count(returns * weights[index] / total_weight * jitter(0.9, 1.1)))
        agi = _AGI_PER_RETURN[index] * jitter(0.92, 1.08) * (1 + affluence if stub == 6 else 1)
        values: dict[str, int | str] = {
            "STATEFIPS": fips,
            "STATE": state,
            "zipcode": zipcode,
            "agi_stub": stub,
            "N1": n1,
            "mars1": _count(n1 * _SINGLE_SHARE[index] * jitter(0.9, 1.1)),
            "MARS2": _count(n1 * _JOINT_SHARE[index] * jitter(0.9, 1.1)),
            "MARS4": _count(n1 * _HOH_SHARE[index] * jitter(0.9, 1.1)),
            "PREP": _count(n1 * jitter(0.45, 0.65)),
            "N2": _count(n1 * (1.3 + 0.15 * stub) * jitter(0.9, 1.1)),
            "NUMDEP": _count(n1 * (0.25 + 0.05 * stub) * jitter(0.8, 1.2)),
            "ELDERLY": _count(n1 * jitter(0.12, 0.25)),
            "A00100": round(n1 * agi),
            "SCHF": _count(n1 * 0.02 * stub * jitter(0.5, 1.5)),
        }
        # Free tax help (VITA/TCE) is used almost only in the low brackets.
        vita_share = (0.05, 0.025, 0.005, 0.002, 0.001, 0.0)[index]
        total_vita = _count(n1 * vita_share * jitter(0.7, 1.3))
        values["TOTAL_VITA"] = total_vita
        values["VITA"] = _count(total_vita * 0.65)
        values["TCE"] = _count(total_vita * 0.35)
        values["VITA_EIC"] = _count(total_vita * 0.4 if stub <= 2 else 0)
        values["RAL"] = _count(n1 * 0.015 * jitter(0.5, 1.5) if stub <= 2 else 0)
        values["RAC"] = _count(n1 * (0.14, 0.12, 0.08, 0.06, 0.05, 0.01)[index] * jitter(0.8, 1.2))

        for column in IRS_COLUMNS:
            match = _PAIR_COLUMN.match(column)
            if column in values or match is None:
                continue
            prefix, code = match.groups()
            count_column = ("n" if prefix.islower() else "N") + code
            if prefix in "Nn":
                if code in _SPECIAL_PAIRS:
                    share = _SPECIAL_PAIRS[code][0][index]
                else:
                    share = min(0.95, profiles[code][0] * _GENERIC_SHARE_BY_STUB[index])
                values[column] = _count(n1 * share * jitter(0.85, 1.15))
            elif column == "A00101":
                # AGI of the returns that itemize, hence tied to N04470.
                values[column] = _amount(int(values["N04470"]), agi * jitter(1.0, 1.15))
            else:
                count = int(values[count_column])
                if code in _SPECIAL_PAIRS:
                    per_return = agi * _SPECIAL_PAIRS[code][1][index]
                else:
                    per_return = profiles[code][1] * _GENERIC_AMOUNT_BY_STUB[index]
                values[column] = _amount(count, per_return * jitter(0.85, 1.15))
        rows.append([values[column] for column in IRS_COLUMNS])
    return rows


def _state_total_rows(zip_rows: Sequence[IrsRow]) -> list[IrsRow]:
    """Rows with zipcode 0: per agi_stub, the sum of every NY row in the sample.

    Summing (instead of drawing) keeps the sample internally consistent, so a
    test can check that excluding zipcode 0 avoids double counting.
    """
    numeric_from = IRS_COLUMNS.index("N1")
    totals: list[IrsRow] = []
    for stub in AGI_STUBS:
        same_stub = [row for row in zip_rows if row[3] == stub]
        sums = [
            sum(int(row[i]) for row in same_stub) for i in range(numeric_from, len(IRS_COLUMNS))
        ]
        totals.append([NY_FIPS, "NY", STATE_TOTAL_ZIP, stub, *sums])
    return totals


def irs_rows(seed: int = SEED) -> list[IrsRow]:
    """All IRS sample rows, ordered as the whole-US file is (state, then zipcode)."""
    rng = random.Random(seed)
    profiles = _pair_profiles(rng)

    def one_zip(fips: int, state: str, zipcode: int) -> list[IrsRow]:
        returns = rng.randrange(150, 600) * 10
        return _irs_zip_rows(rng, profiles, fips, state, zipcode, returns, rng.random())

    nj = [row for zipcode in NJ_ZIPS for row in one_zip(NJ_FIPS, "NJ", zipcode)]
    ny = [row for zipcode in NY_ZIPS for row in one_zip(NY_FIPS, "NY", zipcode)]
    other = one_zip(NY_FIPS, "NY", OTHER_ZIPS)
    return nj + _state_total_rows(ny + other) + ny + other


def _irs_csv(rows: Iterable[IrsRow]) -> bytes:
    """CSV text as published: unquoted, ``\\n`` line ends, trailing newline."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(IRS_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("ascii")


# ---------------------------------------------------------------------------
# NYC Parks: parks and playgrounds
# ---------------------------------------------------------------------------

Record = dict[str, str | None]


@dataclass(frozen=True)
class Borough:
    """What the generator needs to know about one borough."""

    letter: str
    """Prop_ID prefix used by NYC Parks (X is the Bronx, R Staten Island)."""
    school_prefix: str
    """DOE borough code used in School_ID; Brooklyn is K, not B."""
    city: str
    zips: tuple[str, ...]
    """ZIPs for single-ZIP parks; NY_ZIP_WITHOUT_PARK is left out on purpose."""
    lat: tuple[float, float]
    lon: tuple[float, float]
    parks: int
    special_zips: tuple[str | None, ...]
    """Zip values that must occur in this borough: null, multi-ZIP, unmatched."""


# Parks cut its multi-ZIP text at 50 characters, leaving a partial ZIP at the end.
_ZIP_FIELD_WIDTH = 50
TRUNCATED_MULTI_ZIP = ", ".join(
    ("11201", "11206", "11211", "11215", "11222", "11226", "11236", "11239")
)[:_ZIP_FIELD_WIDTH]

BOROUGHS: tuple[Borough, ...] = (
    Borough(
        "B", "K", "Brooklyn",
        ("11201", "11206", "11211", "11215", "11222", "11226", "11236"),
        (40.58, 40.73), (-74.03, -73.86), 20,
        (None, "11236, 11239", "11201, 11206", TRUNCATED_MULTI_ZIP, PARK_ZIP_WITHOUT_IRS),
    ),
    Borough(
        "M", "M", "New York", ("10002", "10009", "10025", "10027"),
        (40.71, 40.82), (-74.01, -73.94), 12, (None, "10025, 10027"),
    ),
    Borough(
        "Q", "Q", "Queens", ("11354", "11368", "11375"),
        (40.70, 40.77), (-73.87, -73.80), 12, (None, "11354, 11368"),
    ),
    Borough(
        "X", "X", "Bronx", ("10451", "10456", "10463"),
        (40.81, 40.89), (-73.93, -73.89), 9, (None, "10451, 10456"),
    ),
    Borough(
        "R", "R", "Staten Island", ("10301", "10314"),
        (40.59, 40.64), (-74.16, -74.08), 7, (),
    ),
)  # fmt: skip

_PARK_KEYS: tuple[str, ...] = ("Prop_ID", "Name", "Location", "Zip")
_PLAYGROUND_KEYS: tuple[str, ...] = (
    "Prop_ID", "Playground_ID", "School_ID", "Status", "Name", "Location",
    "Accessible", "Level", "Adaptive_Swing", "lat", "lon",
)  # fmt: skip

SCHOOL_STATUS = "Open to the Public"

# Invented name parts.  People's names are made up; any match with a real
# park is a coincidence of common words.
_NAME_STEMS: tuple[str, ...] = (
    "Maple", "Linden", "Sycamore", "Hawthorn", "Chestnut", "Juniper Hill", "Bluebird",
    "Kestrel", "Heron Cove", "Sparrow", "Cardinal", "Orchard", "Meadowlark", "Tidewater",
    "Harbor View", "Lighthouse", "Ferry Slip", "Quarry", "Millstone", "Lantern", "Compass",
    "Anchor", "Clover", "Marigold", "Sunflower", "Larkspur", "Foxglove", "Thistle", "Bramble",
    "Fern Hollow", "Pinecone", "Acorn", "Poplar", "Dogwood", "Magnolia", "Wisteria",
    "Hollyhock", "Cobblestone", "Brickyard", "Silk Mill", "Rope Walk", "Tugboat", "Sailmaker",
    "Kite Hill", "Windmill", "Weathervane", "Rosa Delgado", "Samuel Okafor", "Edith Marlowe",
    "Tomasz Wren", "Lucia Ferrante", "Amos Kirby", "Hattie Bloom", "Vera Castellan",
    "Oscar Pell", "Mina Arbeit", "Felix Granger", "June Halloway", "Ray Tolliver",
    "Nadia Korsak", "Ignatius Pratt", "Celeste Moreau", "Walter Ebbs", "Imani Rhodes",
    "Pearl Otis", "Harold Voss",
)  # fmt: skip
_NAME_KINDS: tuple[str, ...] = (
    "Playground", "Playground", "Playground", "Park", "Park", "Square", "Triangle",
    "Garden", "Field", "Green", "Plaza", "Oval",
)  # fmt: skip
# The real names include "/" (written as "\/"), a typographic apostrophe and an
# accented letter (written as \u escapes); one park of each keeps readers honest.
_QUIRKY_PARK_NAMES: tuple[str, ...] = (
    "Birchwood Playground / Alder Square",
    "Lamplighter\u2019s Triangle",
    "Plaza de los Ni\u00f1os",
)

_NAMED_STREETS: tuple[str, ...] = (
    "Milton St.", "Noble St.", "Quarry St.", "Hollis Pl.", "Bramble Ave.", "Fulton St.",
    "Union St.", "Bay Pkwy.", "Shore Rd.", "Ocean Ave.", "Park Pl.", "Church Ave.", "Mill Rd.",
    "Harbor Rd.", "Garden Pl.", "Kings Hwy.", "Broadway", "Riverside Dr.", "Linden Blvd.",
    "Ferris St.", "Tillary St.", "Vernon Ave.", "Cropsey Ave.", "Amboy Rd.", "Jerome Ave.",
)  # fmt: skip


def _coordinate(value: float) -> str:
    """Format like the source: four decimals with trailing zeros dropped ("40.706")."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _numbered_street(rng: random.Random) -> str:
    kind = rng.randrange(4)
    number = rng.randrange(1, 120)
    if kind == 0:
        return f"{rng.choice(('E.', 'W.'))} {number} St."
    if kind == 1:
        return f"{rng.randrange(1, 12)} Ave."
    if kind == 2:
        return f"Ave. {rng.choice('ABCDIJKLMNPU')}"
    return f"{number} St."


def _street(rng: random.Random) -> str:
    return rng.choice(_NAMED_STREETS) if rng.random() < 0.5 else _numbered_street(rng)


def _park_location(rng: random.Random) -> str:
    """A Parks-style location: "E. 38 St. bet. Ave. I and Ave. J" and variants."""
    first, second, third = _street(rng), _street(rng), _street(rng)
    style = rng.randrange(3)
    if style == 0:
        return f"{first} bet. {second} and {third}"
    if style == 1:
        return f"{first}, {second}, {third}"
    return f"{first}, {second}"


def _playground_location(rng: random.Random) -> str:
    """Playground locations are terser and often shouted in upper case."""
    style = rng.randrange(3)
    if style == 0:
        return f"{_street(rng).upper().rstrip('.')} & {_street(rng).upper().rstrip('.')}"
    if style == 1:
        number = rng.randrange(1, 100)
        return f"{_street(rng)} Bet {number} & {number + 1} Sts"
    street, avenue = rng.randrange(1, 100), rng.randrange(1, 11)
    return f"{street} To {street + 1} Sts, {avenue} To {avenue + 1} Aves"


def _park_names(rng: random.Random, count: int) -> list[str]:
    stems = rng.sample(_NAME_STEMS, count)
    return [f"{stem} {rng.choice(_NAME_KINDS)}" for stem in stems]


def _zip_values(rng: random.Random, borough: Borough) -> list[str | None]:
    """The borough's Zip column: its special values plus single ZIPs.

    Every ZIP of the borough is used at least once so each NY ZIP in the IRS
    sample (bar NY_ZIP_WITHOUT_PARK) has a park.
    """
    values: list[str | None] = list(borough.special_zips)
    values.extend(borough.zips)
    while len(values) < borough.parks:
        values.append(rng.choice(borough.zips))
    rng.shuffle(values)
    return values


def park_records(seed: int = SEED + 1) -> list[Record]:
    """The parks sample, sorted by Prop_ID as the source mostly is."""
    rng = random.Random(seed)
    total = sum(borough.parks for borough in BOROUGHS)
    names = _park_names(rng, total)
    for index, quirky in zip(rng.sample(range(total), 3), _QUIRKY_PARK_NAMES, strict=True):
        names[index] = quirky
    records: list[Record] = []
    for borough in BOROUGHS:
        numbers = sorted(rng.sample(range(1, 300), borough.parks))
        prop_ids = [f"{borough.letter}{number:03d}" for number in numbers]
        if borough.letter == "Q":
            # Real IDs may carry a letter suffix (e.g. "Q096E"); keep one.
            prop_ids[-1] += "E"
        for prop_id, zip_value in zip(prop_ids, _zip_values(rng, borough), strict=True):
            records.append(
                {
                    "Prop_ID": prop_id,
                    "Name": names[len(records)],
                    "Location": _park_location(rng),
                    "Zip": zip_value,
                }
            )
    return records


def _exact_mix(rng: random.Random, counts: Sequence[tuple[str | None, int]]) -> list[str | None]:
    """Values in exact proportions, shuffled: quirk counts stay fixed by design."""
    values = [value for value, count in counts for _ in range(count)]
    rng.shuffle(values)
    return values


# Field mixes over the 80 playgrounds, near the real proportions (Level "4" is
# about 65%, null Level about 7%, a couple of empty-string Adaptive_Swing).
_LEVELS: tuple[tuple[str | None, int], ...] = (("4", 52), ("2", 11), ("3", 8), (None, 6), ("1", 3))
_ACCESSIBLE: tuple[tuple[str | None, int], ...] = (("Y", 71), ("N", 7), (None, 2))
_ADAPTIVE_SWING: tuple[tuple[str | None, int], ...] = (("N", 58), ("Y", 12), (None, 8), ("", 2))
_NULL_COORDINATES = 2

# Playgrounds per park with an IRS-matched ZIP (49 parks); the parks whose Zip
# matches nothing get one each, except half of the null-Zip parks.
_PLAYGROUNDS_PER_MATCHED_PARK: tuple[int, ...] = (3,) * 4 + (2,) * 7 + (1,) * 27 + (0,) * 11
_PARKLESS_PLAYGROUNDS: tuple[str, ...] = ("B", "B", "M", "Q", "X", "R")
_SCHOOL_YARDS: tuple[str, ...] = ("B",) * 5 + ("M", "M", "Q", "Q", "X", "X", "R")


def _position(rng: random.Random, borough: Borough) -> tuple[float, float]:
    return rng.uniform(*borough.lat), rng.uniform(*borough.lon)


def playground_records(parks: Sequence[Record], seed: int = SEED + 2) -> list[Record]:
    """The playgrounds sample for ``parks``.

    Park playgrounds and orphans (a Prop_ID no park has) come first in Prop_ID
    order, then the school yards, whose Prop_ID is only the borough letter.
    """
    rng = random.Random(seed)
    boroughs = {borough.letter: borough for borough in BOROUGHS}
    irs_zips = {str(zipcode) for zipcode in NY_ZIPS}

    matched = [park for park in parks if park["Zip"] in irs_zips]
    per_park = list(_PLAYGROUNDS_PER_MATCHED_PARK)
    if len(per_park) != len(matched):
        raise ValueError(f"{len(matched)} matched parks, plan is for {len(per_park)}")
    rng.shuffle(per_park)
    counts = {str(park["Prop_ID"]): count for park, count in zip(matched, per_park, strict=True)}
    null_zip_parks = [park for park in parks if park["Zip"] is None]
    for index, park in enumerate(null_zip_parks):
        counts[str(park["Prop_ID"])] = 1 if index % 2 == 0 else 0
    for park in parks:
        counts.setdefault(str(park["Prop_ID"]), 1)  # multi-ZIP and unmatched ZIP

    # (Prop_ID, Playground_ID, name, borough) before the per-row fields are drawn.
    skeleton: list[tuple[str, str | None, str, Borough]] = []
    for park in parks:
        prop_id, name = str(park["Prop_ID"]), str(park["Name"])
        borough = boroughs[prop_id[0]]
        count = counts[prop_id]
        if count == 1:
            # A park's only playground reuses the park's ID, as in the source.
            skeleton.append((prop_id, prop_id, name, borough))
            continue
        stem = name.rsplit(" ", 1)[0]
        for number in range(1, count + 1):
            label = name if number == 1 else f"{stem} {('Tot Lot', 'Playground')[number % 2]}"
            skeleton.append((prop_id, f"{prop_id}-{number:02d}", label, borough))
    used = {str(park["Prop_ID"]) for park in parks}
    orphan_names = [stem for stem in _NAME_STEMS if all(stem not in str(p["Name"]) for p in parks)]
    for letter, stem in zip(_PARKLESS_PLAYGROUNDS, rng.sample(orphan_names, 6), strict=True):
        prop_id = f"{letter}{rng.randrange(300, 400):03d}"
        while prop_id in used:
            prop_id = f"{letter}{rng.randrange(300, 400):03d}"
        used.add(prop_id)
        skeleton.append((prop_id, prop_id, f"{stem} Playground", boroughs[letter]))
    skeleton.sort(key=lambda row: (row[0], row[1] or ""))

    # A playground ID can be missing on a real park too, not only on school yards.
    park_ids = {str(park["Prop_ID"]) for park in parks}
    only_playgrounds = [
        i for i, row in enumerate(skeleton) if row[0] in park_ids and row[1] == row[0]
    ]
    index = rng.choice(only_playgrounds)
    prop_id, _, name, borough = skeleton[index]
    skeleton[index] = (prop_id, None, name, borough)

    school_numbers = sorted(rng.sample(range(1, 330), len(_SCHOOL_YARDS)))
    schools = list(zip(_SCHOOL_YARDS, school_numbers, strict=True))

    total = len(skeleton) + len(schools)
    levels = _exact_mix(rng, _LEVELS)
    accessible = _exact_mix(rng, _ACCESSIBLE)
    swings = _exact_mix(rng, _ADAPTIVE_SWING)
    if not len(levels) == len(accessible) == len(swings) == total:
        raise ValueError(f"field mixes are for {len(levels)} rows, not {total}")
    no_position = set(rng.sample(range(total), _NULL_COORDINATES))

    records: list[Record] = []
    for prop_id, playground_id, name, _ in skeleton:
        records.append(
            {
                "Prop_ID": prop_id,
                "Playground_ID": playground_id,
                "School_ID": None,
                "Status": None,
                "Name": name,
                "Location": _playground_location(rng),
            }
        )
    for letter, number in schools:
        borough = boroughs[letter]
        address = f"{rng.randrange(10, 900)} {_street(rng).rstrip('.')}"
        records.append(
            {
                "Prop_ID": letter,
                "Playground_ID": None,
                "School_ID": f"{borough.school_prefix}{number:03d}",
                "Status": SCHOOL_STATUS,
                "Name": f"PS {number}{borough.school_prefix}",
                "Location": f"{address}, {borough.city}, NY {rng.choice(borough.zips)}",
            }
        )
    # Playgrounds of one park sit a few hundred metres apart; school yards
    # (Prop_ID only a borough letter) are scattered over their borough.
    centres: dict[str, tuple[float, float]] = {}
    for index, record in enumerate(records):
        prop_id = str(record["Prop_ID"])
        borough = boroughs[prop_id[0]]
        if len(prop_id) == 1:
            lat, lon = _position(rng, borough)
        else:
            if prop_id not in centres:
                centres[prop_id] = _position(rng, borough)
            lat = centres[prop_id][0] + rng.uniform(-0.002, 0.002)
            lon = centres[prop_id][1] + rng.uniform(-0.002, 0.002)
        record["Accessible"] = accessible[index]
        record["Level"] = levels[index]
        record["Adaptive_Swing"] = swings[index]
        record["lat"] = None if index in no_position else _coordinate(lat)
        record["lon"] = None if index in no_position else _coordinate(lon)

    # Free-text quirks seen in real names: an HTML entity, a trailing space and
    # a doubled space.  Applied to park playgrounds only, never to IDs.
    named = rng.sample(range(len(skeleton)), 3)
    records[named[0]]["Name"] = "Declan O&rsquo;Shea Playground"
    records[named[1]]["Name"] = f"{records[named[1]]['Name']} "
    records[named[2]]["Name"] = str(records[named[2]]["Name"]).replace(" ", "  ", 1)
    return [{key: record[key] for key in _PLAYGROUND_KEYS} for record in records]


def _dpr_json(records: Sequence[Record], keys: Sequence[str]) -> bytes:
    """JSON as NYC Parks publishes it (PHP json_encode style).

    One line, no spaces, no trailing newline, non-ASCII as \\u escapes and
    "/" escaped as "\\/" -- all legal JSON, but a byte-level reader or a naive
    diff would notice, so the sample keeps them.
    """
    ordered = [{key: record[key] for key in keys} for record in records]
    text = json.dumps(ordered, ensure_ascii=True, separators=(",", ":"))
    # "/" can only occur inside strings, so escaping it blindly is safe.
    return text.replace("/", "\\/").encode("ascii")


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def generate(out_dir: Path) -> dict[str, int]:
    """Write the three sample files into ``out_dir``; return rows per file name.

    The CSV header line is not counted.  Existing files are overwritten.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    income = irs_rows()
    parks = park_records()
    playgrounds = playground_records(parks)
    (out_dir / IRS_FILE).write_bytes(_irs_csv(income))
    (out_dir / PARKS_FILE).write_bytes(_dpr_json(parks, _PARK_KEYS))
    (out_dir / PLAYGROUNDS_FILE).write_bytes(_dpr_json(playgrounds, _PLAYGROUND_KEYS))
    return {IRS_FILE: len(income), PARKS_FILE: len(parks), PLAYGROUNDS_FILE: len(playgrounds)}


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m playgrounds.sources.samples [--out DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m playgrounds.sources.samples",
        description=(
            "Write small, invented, deterministic stand-ins for the IRS ZIP income "
            "file and the NYC Parks parks/playgrounds files."
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"directory to write {', '.join(FILE_NAMES)} into (default: {DEFAULT_OUT})",
    )
    args = parser.parse_args(argv)
    out_dir: Path = args.out
    for name, rows in generate(out_dir).items():
        size = (out_dir / name).stat().st_size
        print(f"{out_dir / name}: {rows} rows, {size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
