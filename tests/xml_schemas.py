"""The official XML schemas vendored in tests/data/xsd, loaded once, and a check that
names the first violation."""

from functools import cache
from pathlib import Path

from lxml import etree

XSD = Path(__file__).resolve().parent / "data" / "xsd"


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD / name)))


def assert_valid(content: bytes, schema_name: str) -> etree._Element:
    document = etree.fromstring(content)
    checker = schema(schema_name)
    assert checker.validate(document), f"{schema_name}: {checker.error_log.last_error}"
    return document
