"""Writing a synthetic extract chunk by chunk: parts on disk, then one file per table.

A large extract is generated a chunk of patients at a time (see
:mod:`indicators.synth.generator`).  Each chunk's tables are written at once as Parquet
parts into a spill directory and dropped from memory; when every chunk is done, each
table's parts are joined into the table's one file, read a part at a time.

Every table but ``contacts`` is already in its final order when the chunks' parts are
put one after the other: patient, referral and pathway ids are numbered on from chunk
to chunk, and each chunk's rows are sorted within it.  ``contacts`` is sorted by start
date over all patients, so its parts are also split by start date into *buckets*
(ranges of days, about one chunk's contacts in two buckets): the parts of one bucket
are read together, sorted, numbered on from the contacts of the buckets before, and
written in bucket order.  Memory then holds one chunk, or one bucket, at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

from indicators.extract.write import to_csv_text

#: The order of the ``contacts`` table: by start date, then patient id, as one integer
#: (patient ids are ``P`` and eight digits, so their numbers sort as the ids do); sorted
#: with ``maintain_order``, contacts with equal keys keep the order they were drawn in.
CONTACT_ORDER = pl.col("start_date").cast(pl.Int64) * 100_000_000 + pl.col("patient_id").str.slice(
    1
).cast(pl.Int64)


def numbered_contacts(contacts: pl.DataFrame, first: int = 0) -> pl.DataFrame:
    """The ``contacts`` table: ``contact_id`` (``K`` and ten digits) from ``first + 1`` on."""
    return contacts.with_row_index("_i", offset=first + 1).select(
        pl.format("K{}", pl.col("_i").cast(pl.String).str.zfill(10)).alias("contact_id"),
        pl.exclude("_i"),
    )


def _part_name(index: int) -> str:
    return f"{index:06d}.parquet"


@dataclass
class Spill:
    """The parts of an extract being written, in ``directory`` (a temporary directory).

    ``first_day`` and ``last_day`` (days since 1970-01-01) are the range of contact start
    days; it is cut into ``buckets`` equal ranges (a contact outside it goes to the first
    or last bucket).  ``rows`` counts each table's rows added so far.
    """

    directory: Path
    buckets: int
    first_day: int
    last_day: int
    rows: dict[str, int] = field(default_factory=dict)

    def _bucket(self) -> pl.Expr:
        """Each contact's bucket: the range of start days it falls in (0 to ``buckets - 1``)."""
        days = self.last_day - self.first_day + 1
        offset = pl.col("start_date").cast(pl.Int64) - self.first_day
        return (offset * self.buckets // days).clip(0, self.buckets - 1)

    def add(self, index: int, tables: dict[str, pl.DataFrame]) -> None:
        """Write chunk ``index``'s tables as parts (contacts in ``CONTACT_ORDER``, unnumbered)."""
        for name, frame in tables.items():
            self.rows[name] = self.rows.get(name, 0) + frame.height
            if name != "contacts":
                (self.directory / name).mkdir(exist_ok=True)
                frame.write_parquet(self.directory / name / _part_name(index))
                continue
            by_bucket = frame.with_columns(_bucket=self._bucket()).partition_by(
                "_bucket", as_dict=True, include_key=False
            )
            for (bucket,), part in by_bucket.items():
                folder = self.directory / "contacts-by-start" / f"{bucket:06d}"
                folder.mkdir(parents=True, exist_ok=True)
                part.write_parquet(folder / _part_name(index))

    def _contact_parts(self) -> list[Path]:
        """Number the contacts bucket by bucket; the numbered parts, in table order."""
        numbered = self.directory / "contacts"
        numbered.mkdir(exist_ok=True)
        parts: list[Path] = []
        first = 0
        for folder in sorted((self.directory / "contacts-by-start").iterdir()):
            bucket = pl.read_parquet(sorted(folder.iterdir())).sort(
                CONTACT_ORDER, maintain_order=True
            )
            parts.append(numbered / _part_name(len(parts)))
            numbered_contacts(bucket, first).write_parquet(parts[-1])
            first += bucket.height
        return parts

    def write(self, name: str, target: Path, format: Literal["parquet", "csv"]) -> Path:
        """Join the parts of table ``name`` into ``target/<name>.<format>``; return its path.

        Parquet as :func:`indicators.extract.write.write_table` writes it (zstd, with
        statistics), streamed from the parts; CSV a part at a time, one header.
        """
        if name == "contacts":
            parts = self._contact_parts()
        else:
            parts = sorted((self.directory / name).iterdir())
        path = target / f"{name}.{format}"
        if format == "parquet":
            pl.scan_parquet(parts).sink_parquet(path, compression="zstd", statistics=True)
            return path
        with path.open("wb") as out:
            for index, part in enumerate(parts):
                text = to_csv_text(pl.read_parquet(part))
                out.write((text if index == 0 else text.partition("\n")[2]).encode("utf-8"))
        return path
