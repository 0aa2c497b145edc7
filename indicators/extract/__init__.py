"""The registry extract: its model, loading and writing."""

from indicators.extract.load import (
    Extract,
    Manifest,
    fingerprint_files,
    load_extract,
    read_manifest,
)
from indicators.extract.model import EXTRACT, Column, DateOrder, ForeignKey, Table
from indicators.extract.write import write_extract, write_manifest, write_table

__all__ = [
    "EXTRACT",
    "Column",
    "DateOrder",
    "Extract",
    "ForeignKey",
    "Manifest",
    "Table",
    "fingerprint_files",
    "load_extract",
    "read_manifest",
    "write_extract",
    "write_manifest",
    "write_table",
]
