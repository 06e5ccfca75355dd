"""Validators for the SEO tests: the sitemap XSDs and the schema.org vocabulary."""

import pytest

from tests.seo.vocabulary import Vocabulary
from tests.support import SHARED_DATA

VALIDATION = SHARED_DATA / "validation"


def validation_file(name):
    path = VALIDATION / name
    if not path.exists():
        pytest.skip(f"{path} is missing: the validators live in ../shared/data/validation.")
    return path


@pytest.fixture(scope="session")
def sitemap_schema():
    """all.xsd: the sitemap XSD with the image and news extensions it imports."""
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(validation_file("all.xsd"))))


@pytest.fixture(scope="session")
def index_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(validation_file("siteindex.xsd"))))


@pytest.fixture(scope="session")
def schema_org():
    return Vocabulary.load(validation_file("schemaorg-all-https.jsonld"))
