"""Synthetic inputs at scale: full-US IRS files for many years, and parks and playgrounds xK.

:mod:`playgrounds.sources.samples` writes the small New York sample that is
committed; this module reuses its per-ZIP row generator to write what a user
who outgrows the workshop feeds the pipeline, in the published layouts:

* ``10zpallagi.csv`` … ``19zpallagi.csv``: one whole-US IRS file per year, all
  147 columns as published, every state (and DC) in FIPS order, each state as
  the IRS lays it out: its total rows (``zipcode`` 0), its ZIPs in order, then
  "other ZIPs" (99999), six ``agi_stub`` rows each. About 27,600 ZIPs, that is
  about 166k rows, by default, as in the published files. The ZIPs are drawn
  once per seed (they stay put from year to year); the values are drawn per year.
* ``DPR_Parks_001.json`` and ``DPR_Playgrounds_001.json``: the samples' 60 parks
  and 80 playgrounds copied K times with distinct ``Prop_ID``s (copy k > 0 of
  ``B123`` is ``B<k>123``), so that every copy joins the same NY ZIPs and the
  prep step's output grows K-fold.

Everything is streamed: at most one state's rows (or one copy of the parks)
is in memory, whatever the size. Each file is written under a hidden name
beside its target and renamed into place once complete, so an interrupted run
never leaves a half-written file under a published name.
"""

from __future__ import annotations

import csv
import json
import os
import random
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from playgrounds.errors import InputError
from playgrounds.sources.samples import (
    _PARK_KEYS,
    _PLAYGROUND_KEYS,
    AGI_STUBS,
    IRS_COLUMNS,
    NY_ZIPS,
    OTHER_ZIPS,
    SEED,
    STATE_TOTAL_ZIP,
    IrsRow,
    Record,
    _irs_zip_rows,
    _pair_profiles,
    park_records,
    playground_records,
)

DEFAULT_ZIPS = 27_600
"""ZIPs per year in the published whole-US files (166k rows / 6 brackets)."""

FIRST_YEAR, LAST_YEAR = 2010, 2019
PARKS_FILE = "DPR_Parks_001.json"
PLAYGROUNDS_FILE = "DPR_Playgrounds_001.json"

Progress = Callable[[int], None]
"""Called with the bytes written so far (to the file being written)."""

PROGRESS_EVERY = 1 << 20
"""Bytes between two progress reports (and once at the end of each file)."""


def no_progress(written: int) -> None:
    return None


@dataclass(frozen=True)
class State:
    """One state as the IRS file lists it: FIPS code, postal code, ZIP prefixes, size."""

    fips: int
    code: str
    first_prefix: int
    """The first three digits of its lowest ZIP (CT's 060 is 60)."""
    last_prefix: int
    zip_weight: int
    """Roughly how many ZIPs the state has in the IRS file: its share of the total."""

    @property
    def zip_pool(self) -> int:
        """How many five-digit codes its prefixes hold: the most ZIPs it can be given."""
        return (self.last_prefix - self.first_prefix + 1) * 100


# FIPS order, as the IRS file is sorted. Prefix ranges are the USPS's
# three-digit ZIP ranges; weights approximate each state's ZIPs in the 2016 file.
STATES: tuple[State, ...] = (
    State(1, "AL", 350, 369, 560), State(2, "AK", 995, 999, 190),
    State(4, "AZ", 850, 865, 380), State(5, "AR", 716, 729, 540),
    State(6, "CA", 900, 961, 1660), State(8, "CO", 800, 816, 490),
    State(9, "CT", 60, 69, 260), State(10, "DE", 197, 199, 60),
    State(11, "DC", 200, 205, 25), State(12, "FL", 320, 349, 920),
    State(13, "GA", 300, 319, 690), State(15, "HI", 967, 968, 90),
    State(16, "ID", 832, 838, 250), State(17, "IL", 600, 629, 1330),
    State(18, "IN", 460, 479, 740), State(19, "IA", 500, 528, 880),
    State(20, "KS", 660, 679, 630), State(21, "KY", 400, 427, 700),
    State(22, "LA", 700, 714, 490), State(23, "ME", 39, 49, 400),
    State(24, "MD", 206, 219, 440), State(25, "MA", 10, 27, 510),
    State(26, "MI", 480, 499, 950), State(27, "MN", 550, 567, 830),
    State(28, "MS", 386, 397, 400), State(29, "MO", 630, 658, 960),
    State(30, "MT", 590, 599, 320), State(31, "NE", 680, 693, 520),
    State(32, "NV", 889, 898, 170), State(33, "NH", 30, 38, 230),
    State(34, "NJ", 70, 89, 580), State(35, "NM", 870, 884, 320),
    State(36, "NY", 100, 149, 1580), State(37, "NC", 270, 289, 780),
    State(38, "ND", 580, 588, 310), State(39, "OH", 430, 458, 1180),
    State(40, "OK", 730, 749, 610), State(41, "OR", 970, 979, 400),
    State(42, "PA", 150, 196, 1760), State(44, "RI", 28, 29, 70),
    State(45, "SC", 290, 299, 390), State(46, "SD", 570, 577, 320),
    State(47, "TN", 370, 385, 590), State(48, "TX", 750, 799, 1860),
    State(49, "UT", 840, 847, 280), State(50, "VT", 50, 59, 250),
    State(51, "VA", 220, 246, 860), State(53, "WA", 980, 994, 580),
    State(54, "WV", 247, 268, 630), State(55, "WI", 530, 549, 750),
    State(56, "WY", 820, 831, 160),
)  # fmt: skip

MAX_ZIPS = sum(state.zip_pool for state in STATES)
MIN_ZIPS = len(STATES) - 1 + len(NY_ZIPS)


def irs_file_name(year: int) -> str:
    """The published name of a year's file: ``16zpallagi.csv`` for 2016."""
    return f"{year % 100:02d}zpallagi.csv"


def parse_years(text: str) -> list[int]:
    """The years of ``2010-2019``, ``2016``, or a count ``N`` (the N years up to 2019)."""
    spec = text.strip()
    try:
        if "-" in spec:
            first, last = (int(part) for part in spec.split("-", 1))
        elif len(spec) == 4:
            first = last = int(spec)
        else:
            count = int(spec)
            if not 1 <= count <= 100:
                raise InputError(f"--years {spec}: a count of years must be between 1 and 100")
            first, last = LAST_YEAR - count + 1, LAST_YEAR
    except ValueError:
        raise InputError(
            f"--years {text!r} is not a range (2010-2019), a year (2016) or a count (10)"
        ) from None
    if first > last or not 1900 <= first <= last <= 2099:
        raise InputError(f"--years {text!r}: expected first <= last, both between 1900 and 2099")
    return list(range(first, last + 1))


def state_zips(total: int = DEFAULT_ZIPS, seed: int = SEED) -> dict[str, list[int]]:
    """The ZIP codes of every state, ``total`` in all, shared by the states by their weight.

    New York always holds the samples' ZIPs (``NY_ZIPS``), so the samples' parks
    (and their K copies) join the generated income. Every state gets at least one ZIP.
    """
    if not MIN_ZIPS <= total <= MAX_ZIPS:
        raise InputError(
            f"{total} ZIPs per year asked for: expected between {MIN_ZIPS} and {MAX_ZIPS:,} "
            "(the five-digit codes of the states' ZIP ranges)"
        )
    rng = random.Random(seed)
    weight = sum(state.zip_weight for state in STATES)
    # New York holds at least the samples' ZIPs, every other state at least one.
    floor = {s.code: len(NY_ZIPS) if s.code == "NY" else 1 for s in STATES}
    counts = {
        s.code: max(floor[s.code], min(s.zip_pool, round(total * s.zip_weight / weight)))
        for s in STATES
    }
    # Rounding and the pools' caps move the sum a little: settle the rest on the largest pools.
    by_room = sorted(STATES, key=lambda s: s.zip_pool - counts[s.code], reverse=True)
    index = 0
    while (missing := total - sum(counts.values())) != 0:
        state = by_room[index % len(by_room)]
        step = 1 if missing > 0 else -1
        if floor[state.code] <= counts[state.code] + step <= state.zip_pool:
            counts[state.code] += step
        index += 1
    zips: dict[str, list[int]] = {}
    for state in STATES:
        first = state.first_prefix * 100
        pool = range(first, first + state.zip_pool)
        forced = [z for z in NY_ZIPS if z in pool] if state.code == "NY" else []
        wanted = counts[state.code] - len(forced)
        rest = [
            z
            for z in rng.sample(pool, min(state.zip_pool, wanted + len(forced)))
            if z not in forced
        ]
        zips[state.code] = sorted([*forced, *rest[: max(0, wanted)]])
    return zips


def _state_rows(
    rng: random.Random,
    profiles: dict[str, tuple[float, float]],
    state: State,
    zips: Sequence[int],
    growth: float,
) -> list[IrsRow]:
    """One state's rows as published: totals (zipcode 0), its ZIPs, then other ZIPs (99999)."""
    zip_rows: list[IrsRow] = []
    for zipcode in [*zips, OTHER_ZIPS]:
        # ZIP sizes are skewed as real ones are: most small, a few very large.
        returns = round(min(60_000, rng.lognormvariate(8.0, 1.0)) * growth / 10) * 10 + 200
        zip_rows.extend(
            _irs_zip_rows(rng, profiles, state.fips, state.code, zipcode, returns, rng.random())
        )
    numeric_from = IRS_COLUMNS.index("N1")
    totals: list[IrsRow] = []
    for stub in AGI_STUBS:
        same = [row for row in zip_rows if row[3] == stub]
        sums = [sum(int(row[i]) for row in same) for i in range(numeric_from, len(IRS_COLUMNS))]
        totals.append([state.fips, state.code, STATE_TOTAL_ZIP, stub, *sums])
    return totals + zip_rows


def irs_year_rows(
    year: int, *, zips: dict[str, list[int]], seed: int = SEED
) -> Iterator[list[IrsRow]]:
    """The rows of one year's whole-US file, one state at a time (FIPS order)."""
    rng = random.Random(seed * 10_000 + year)
    profiles = _pair_profiles(rng)
    # Returns grow about 1% a year, so the years differ as the published ones do.
    growth = 1.01 ** (year - FIRST_YEAR)
    for state in STATES:
        yield _state_rows(rng, profiles, state, zips[state.code], growth)


class _CountingWriter:
    """A text sink that counts the bytes it passes on and reports them every megabyte."""

    def __init__(self, stream: IO[str], progress: Progress) -> None:
        self.stream = stream
        self.progress = progress
        self.written = 0
        self._reported = 0

    def write(self, text: str) -> int:
        self.stream.write(text)
        self.written += len(text)  # ASCII only: characters are bytes
        if self.written - self._reported >= PROGRESS_EVERY:
            self._reported = self.written
            self.progress(self.written)
        return len(text)


@contextmanager
def _committed(target: Path, progress: Progress) -> Iterator[_CountingWriter]:
    """A writer into a hidden sibling of ``target``, renamed onto it only once complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.parent / f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    try:
        with open(staged, "w", encoding="ascii", newline="") as stream:
            counter = _CountingWriter(stream, progress)
            yield counter
        progress(counter.written)
        os.replace(staged, target)
    finally:
        staged.unlink(missing_ok=True)


@dataclass(frozen=True)
class Written:
    """One file written: where, how many rows (header not counted) and bytes."""

    path: Path
    rows: int
    bytes: int


def write_irs_year(
    out_dir: Path,
    year: int,
    *,
    zip_count: int = DEFAULT_ZIPS,
    seed: int = SEED,
    progress: Progress = no_progress,
) -> Written:
    """Write ``<yy>zpallagi.csv`` for ``year`` into ``out_dir`` (unquoted, ``\\n`` line ends)."""
    target = out_dir / irs_file_name(year)
    zips = state_zips(zip_count, seed)
    rows = 0
    with _committed(target, progress) as sink:
        writer = csv.writer(sink, lineterminator="\n")
        writer.writerow(IRS_COLUMNS)
        for state_rows in irs_year_rows(year, zips=zips, seed=seed):
            writer.writerows(state_rows)
            rows += len(state_rows)
    return Written(target, rows, target.stat().st_size)


def _copy_id(value: str | None, copy: int) -> str | None:
    """``B123`` in copy ``k`` > 0 is ``B<k>123``; a borough-only ``B`` and null stay as they are."""
    if copy == 0 or value is None or len(value) < 2:
        return value
    return f"{value[0]}{copy}{value[1:]}"


def park_copies(factor: int, seed: int = SEED) -> Iterator[Record]:
    """The samples' parks ``factor`` times, with distinct Prop_IDs; copy 0 is the sample itself."""
    parks = park_records(seed + 1)
    for copy in range(factor):
        for park in parks:
            yield {**park, "Prop_ID": _copy_id(park["Prop_ID"], copy)}


def playground_copies(factor: int, seed: int = SEED) -> Iterator[Record]:
    """The samples' playgrounds ``factor`` times, their Prop_IDs matching :func:`park_copies`."""
    playgrounds = playground_records(park_records(seed + 1), seed + 2)
    for copy in range(factor):
        for playground in playgrounds:
            yield {
                **playground,
                "Prop_ID": _copy_id(playground["Prop_ID"], copy),
                "Playground_ID": _copy_id(playground["Playground_ID"], copy),
            }


def _write_dpr_json(
    target: Path, records: Iterable[Record], keys: Sequence[str], progress: Progress
) -> Written:
    """A JSON array as NYC Parks publishes it (one line, ``\\/`` and ``\\u`` escapes), streamed."""
    rows = 0
    with _committed(target, progress) as sink:
        sink.write("[")
        for record in records:
            ordered = {key: record[key] for key in keys}
            text = json.dumps(ordered, ensure_ascii=True, separators=(",", ":"))
            sink.write(("," if rows else "") + text.replace("/", "\\/"))
            rows += 1
        sink.write("]")
    return Written(target, rows, target.stat().st_size)


def write_parks(
    out_dir: Path, factor: int, *, seed: int = SEED, progress: Progress = no_progress
) -> list[Written]:
    """Write ``DPR_Parks_001.json`` and ``DPR_Playgrounds_001.json`` with ``factor`` copies."""
    if factor < 1:
        raise InputError(f"--parks-factor {factor}: expected a whole number of copies, 1 or more")
    return [
        _write_dpr_json(out_dir / PARKS_FILE, park_copies(factor, seed), _PARK_KEYS, progress),
        _write_dpr_json(
            out_dir / PLAYGROUNDS_FILE,
            playground_copies(factor, seed),
            _PLAYGROUND_KEYS,
            progress,
        ),
    ]
