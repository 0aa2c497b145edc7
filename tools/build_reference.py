"""Rebuild the package's reference tables from SKDE's public format files.

Usage::

    python tools/build_reference.py DIR

Reads ``DIR/behandler.csv`` (treating units -> trust -> RHF) and ``DIR/boomr.csv``
(municipality -> catchment trust -> RHF) from SKDE-Analyse/sas_codes and writes
``indicators/reference/data/trusts.csv`` and ``municipalities.csv``.  The
committed CSVs are the package data; this script documents how they were made.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

# SKDE's catchment code (bohf in boomr.csv) -> the trust's own organisation number
# and SKDE's treating-trust code (behhf in behandler.csv).  The two code lists number
# trusts differently, so the link is stated here once, by hand.
CATCHMENT_TO_TRUST = {
    "1": ("983974880", "1"),  # Finnmarkssykehuset HF
    "2": ("983974899", "2"),  # Universitetssykehuset Nord-Norge HF
    "3": ("983974910", "3"),  # Nordlandssykehuset HF
    "4": ("983974929", "4"),  # Helgelandssykehuset HF
    "6": ("983974791", "5"),  # Helse Nord-Trøndelag HF
    "7": ("883974832", "6"),  # St. Olavs hospital HF
    "8": ("997005562", "7"),  # Helse Møre og Romsdal HF
    "10": ("983974732", "9"),  # Helse Førde HF
    "11": ("983974724", "10"),  # Helse Bergen HF
    "12": ("983974694", "11"),  # Helse Fonna HF
    "13": ("983974678", "12"),  # Helse Stavanger HF
    "14": ("983971768", "20"),  # Sykehuset Østfold HF
    "15": ("983971636", "16"),  # Akershus universitetssykehus HF
    "16": ("993467049", "18"),  # Oslo universitetssykehus HF
    "17": ("974207532", "24"),  # Lovisenberg diakonale sykehus
    "18": ("974116804", "23"),  # Diakonhjemmet sykehus
    "19": ("983971709", "17"),  # Sykehuset Innlandet HF
    "20": ("894166762", "14"),  # Vestre Viken HF
    "21": ("983975259", "22"),  # Sykehuset i Vestfold HF
    "22": ("983975267", "15"),  # Sykehuset Telemark HF
    "23": ("983975240", "21"),  # Sørlandet sykehus HF
}
# SKDE abbreviates a few trust names; reports use the full legal name.
FULL_NAMES = {
    "983974899": "Universitetssykehuset Nord-Norge HF",
    "883974832": "St. Olavs hospital HF",
}
RHF_SHORT = {"1": "Helse Nord", "2": "Helse Midt-Norge", "3": "Helse Vest", "4": "Helse Sør-Øst"}


def main(source: Path, target: Path) -> None:
    with (source / "behandler.csv").open(encoding="utf-8-sig") as f:
        units = list(csv.DictReader(f, delimiter=";"))
    with (source / "boomr.csv").open(encoding="utf-8") as f:
        areas = [r for r in csv.DictReader(f, delimiter=";") if r["komnr"]]

    behhf = {}
    for r in units:
        behhf.setdefault(r["behhf"], r)
    catchment_names = {r["bohf"]: r["bohf_navn"] for r in areas}

    trusts = []
    for bohf, (orgnr, behhf_code) in CATCHMENT_TO_TRUST.items():
        unit = behhf[behhf_code]
        trusts.append(
            {
                "trust_id": orgnr,
                "name": FULL_NAMES.get(orgnr, unit["behhf_navn"]),
                "short_name": catchment_names[bohf],
                "rhf_code": unit["behrhf"],
                "rhf_name": unit["behrhf_navn"],
                "rhf_short_name": RHF_SHORT[unit["behrhf"]],
                "catchment_code": bohf,
                "treating_code": behhf_code,
            }
        )
    trusts.sort(key=lambda t: (int(t["rhf_code"]), t["name"]))

    # A municipality split between catchments by city district (bydel) is given to the
    # trust that serves most of its districts (Oslo -> OUS).  Codes 24 (abroad),
    # 99 (unknown), 8888 (Norway) are not catchments and are left out.
    by_municipality: dict[str, Counter[str]] = defaultdict(Counter)
    names = {}
    for r in areas:
        if r["bohf"] in CATCHMENT_TO_TRUST:
            by_municipality[r["komnr"]][r["bohf"]] += 1
            names[r["komnr"]] = r["komnr_navn"].split(" ", 1)[1]
    municipalities = []
    for komnr, counts in by_municipality.items():
        bohf, _ = counts.most_common(1)[0]
        orgnr, _ = CATCHMENT_TO_TRUST[bohf]
        municipalities.append(
            {
                "municipality": komnr.zfill(4),
                "name": names[komnr],
                "catchment_trust_id": orgnr,
                "split_between_catchments": str(len(counts) > 1).lower(),
            }
        )
    municipalities.sort(key=lambda m: m["municipality"])

    target.mkdir(parents=True, exist_ok=True)
    for name, rows in (("trusts.csv", trusts), ("municipalities.csv", municipalities)):
        with (target / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=";")
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {len(rows)} rows to {target / name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).parents[1] / "indicators" / "reference" / "data")
