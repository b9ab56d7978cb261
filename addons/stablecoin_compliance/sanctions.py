"""OFAC's SDN list: the digital currency addresses it names, read from the official files.

Pure: bytes in, entries out; no ORM, no network. Two official shapes are read:

* the advanced XML (``sdn_advanced.xml``): each address is a ``Feature`` of a party whose
  ``FeatureTypeID`` refers to a ``FeatureType`` named "Digital Currency Address - <TICKER>" in
  ``ReferenceValueSets``; the address is the feature's ``VersionDetail`` text. Both namespaces
  OFAC has used are accepted (the namespace is not looked at, only local names).
* the legacy CSV (``sdn.csv``, no header: ``ent_num, SDN_Name, SDN_Type, ..., Remarks``, and its
  continuation ``sdn_comments.csv``: ``ent_num, remarks continued``): the addresses are in the
  remarks text as ``Digital Currency Address - ETH 0x...;``.

Kept: every ``0x`` EVM address whatever its ticker (ETH, USDT, USDC, ARB, BSC... share one
address space), lowercased; and Tron ``T...`` addresses listed under USDT or TRX, as given
(base58 is case-sensitive). Other chains' addresses (XBT, XMR...) are counted, not kept.
"""

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from odoo.addons.stablecoin_wallet.chain.family import FAMILIES

FEATURE_PREFIX = "Digital Currency Address - "
# In the CSV remarks: "Digital Currency Address - XBT 1A2b...;" (ticker, then the address).
REMARK_ADDRESS = re.compile(r"Digital Currency Address - ([A-Za-z0-9]+)\s+([A-Za-z0-9]+)")


class SanctionsFormatError(ValueError):
    """The file is not an SDN list in a shape this module reads."""


@dataclass(frozen=True)
class ListedAddress:
    address: str  # EVM: lowercase; Tron: as listed
    chain: str  # the chain family's kind (family.FAMILIES: "evm", "tron")
    ticker: str  # as OFAC lists it (ETH, USDT, TRX...)
    uid: str  # OFAC's entry number (ent_num / FixedRef)
    name: str  # the listed party's name


@dataclass
class SanctionsList:
    fmt: str  # "xml" or "csv"
    sha256: str
    published: date | None
    entries: list = field(default_factory=list)
    skipped: int = 0  # addresses of chains we do not screen

    def by_address(self):
        """{address: [ListedAddress, ...]}: one address may be listed under several tickers."""
        grouped = {}
        for entry in self.entries:
            grouped.setdefault(entry.address, []).append(entry)
        return grouped


def normalize_address(address):
    """The screening key of ``address``: lowercase for EVM, as given otherwise (Tron)."""
    address = (address or "").strip()
    for chain in FAMILIES.values():
        if chain.address_pattern.match(address):
            return chain.screening_key(address)
    return address


def classify(ticker, address):
    """``(chain, key)`` of a listed address we screen, or None for other chains."""
    address = (address or "").strip()
    for chain in FAMILIES.values():
        key = chain.listed_key(ticker, address)
        if key:
            return chain.kind, key
    return None


def file_hash(*contents):
    digest = hashlib.sha256()
    for content in contents:
        digest.update(content or b"")
    return digest.hexdigest()


def parse(content, comments=None, published=None):
    """Parse an SDN file (XML or CSV, detected by its content); ``comments`` is the CSV's
    ``sdn_comments.csv`` when there is one. ``published``: the list's date when the file does
    not say it (the CSV)."""
    if not content:
        raise SanctionsFormatError("The file is empty.")
    if content.lstrip()[:1] == b"<":
        return parse_advanced_xml(content)
    return parse_csv(content, comments, published)


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_advanced_xml(content):
    """Parse ``sdn_advanced.xml``. External entities and network access are refused."""
    parser_args = {
        "events": ("end",),
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "huge_tree": True,
        "remove_comments": True,
    }
    feature_types = {}  # FeatureType ID -> ticker
    entries, skipped, published = [], 0, None
    seen = set()
    try:
        for _event, element in etree.iterparse(io.BytesIO(content), **parser_args):
            tag = _local(element.tag)
            if tag == "FeatureType":
                text = (element.text or "").strip()
                if text.startswith(FEATURE_PREFIX):
                    feature_types[element.get("ID")] = text[len(FEATURE_PREFIX) :].strip()
            elif tag == "DateOfIssue":
                published = _xml_date(element)
            elif tag == "DistinctParty":
                found, others = _party_addresses(element, feature_types)
                skipped += others
                for entry in found:
                    if (entry.address, entry.ticker) not in seen:
                        seen.add((entry.address, entry.ticker))
                        entries.append(entry)
                element.clear()
    except etree.XMLSyntaxError as exc:
        raise SanctionsFormatError(f"Not a readable SDN advanced XML file: {exc}") from exc
    if not feature_types:
        raise SanctionsFormatError(
            "No 'Digital Currency Address' feature type: not an SDN advanced XML file."
        )
    return SanctionsList("xml", file_hash(content), published, entries, skipped)


def _xml_date(element):
    parts = {_local(child.tag): (child.text or "").strip() for child in element}
    try:
        return date(int(parts["Year"]), int(parts["Month"]), int(parts["Day"]))
    except (KeyError, ValueError):
        return None


def _party_addresses(party, feature_types):
    uid = party.get("FixedRef") or ""
    name = ""
    for value in party.iter():
        if _local(value.tag) == "NamePartValue" and (value.text or "").strip():
            name = value.text.strip()
            break
    found, others = [], 0
    for feature in party.iter():
        if _local(feature.tag) != "Feature":
            continue
        ticker = feature_types.get(feature.get("FeatureTypeID"))
        if not ticker:
            continue
        for detail in feature.iter():
            if _local(detail.tag) != "VersionDetail" or not (detail.text or "").strip():
                continue
            kept = classify(ticker, detail.text)
            if kept:
                found.append(ListedAddress(kept[1], kept[0], ticker, uid, name))
            else:
                others += 1
    return found, others


def _csv_rows(content):
    text = content.decode("utf-8-sig", errors="replace").replace("\x1a", "")
    return csv.reader(io.StringIO(text))


def parse_csv(content, comments=None, published=None):
    """Parse ``sdn.csv`` (+ ``sdn_comments.csv``): the remarks, continued by the comments."""
    remarks, names = {}, {}
    for row in _csv_rows(content):
        if len(row) < 12 or not row[0].strip().isdigit():
            if row and any(cell.strip() for cell in row):
                raise SanctionsFormatError(
                    "Not an SDN CSV file: each line has 12 columns, starting with the entry number."
                )
            continue
        uid = row[0].strip()
        names[uid] = row[1].strip()
        remarks[uid] = _csv_value(row[11])
    for row in _csv_rows(comments) if comments else ():
        if len(row) >= 2 and row[0].strip() in remarks:
            remarks[row[0].strip()] += _csv_value(row[1])
    entries, skipped, seen = [], 0, set()
    for uid, text in remarks.items():
        for ticker, address in REMARK_ADDRESS.findall(text):
            kept = classify(ticker, address)
            if not kept:
                skipped += 1
                continue
            if (kept[1], ticker) not in seen:
                seen.add((kept[1], ticker))
                entries.append(ListedAddress(kept[1], kept[0], ticker, uid, names[uid]))
    return SanctionsList("csv", file_hash(content, comments), published, entries, skipped)


def _csv_value(cell):
    """OFAC writes an empty cell as ``-0-``."""
    cell = cell or ""
    return "" if cell.strip() == "-0-" else cell
