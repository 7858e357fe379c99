"""``playgrounds samples-scale``: synthetic inputs at scale (whole-US IRS years, parks xK)."""

from __future__ import annotations

from pathlib import Path

import click

from playgrounds.cli.kit import byte_progress, console


@click.command("samples-scale")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write into (created); never data/samples, nothing here is committed.",
)
@click.option(
    "--years",
    default="2016",
    show_default=True,
    help="Income years: a range (2010-2019), one year (2016) or a count N (the N years up to "
    "2019). One whole-US file per year, named as published: 10zpallagi.csv ... 19zpallagi.csv.",
)
@click.option(
    "--zips",
    "zip_count",
    type=click.IntRange(min=1),
    default=27_600,
    show_default=True,
    help="ZIPs per year over all states (the published files hold about 27,600: ~166k rows).",
)
@click.option(
    "--parks-factor",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Copies of the samples' 60 parks and 80 playgrounds (DPR_Parks_001.json, "
    "DPR_Playgrounds_001.json); 0 writes none.",
)
@click.option("--seed", type=int, default=2019, show_default=True, help="Seed of every draw.")
def samples_scale(out: Path, years: str, zip_count: int, parks_factor: int, seed: int) -> None:
    """Write large synthetic inputs in the published schemas (seeded, streamed to disk)."""
    from playgrounds.sources.scale import irs_file_name, parse_years, write_irs_year, write_parks

    chosen = parse_years(years)
    written = []
    for year in chosen:
        with byte_progress(f"{irs_file_name(year)}") as update:
            written.append(
                write_irs_year(
                    out,
                    year,
                    zip_count=zip_count,
                    seed=seed,
                    progress=lambda done: update(done, None),
                )
            )
        last = written[-1]
        console.print(f"{last.path}: {last.rows:,} rows, {last.bytes:,} bytes", highlight=False)
    if parks_factor:
        with byte_progress("parks and playgrounds") as update:
            for item in write_parks(
                out, parks_factor, seed=seed, progress=lambda done: update(done, None)
            ):
                written.append(item)
                console.print(
                    f"{item.path}: {item.rows:,} rows, {item.bytes:,} bytes", highlight=False
                )
    total = sum(item.bytes for item in written)
    click.echo(f"Wrote {len(written)} files, {total:,} bytes, to {out}")
