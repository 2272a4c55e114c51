"""The committed JSON Schemas are the ones the model generates, and they accept the real records."""

import jsonschema
import yaml

from quotedb.__main__ import json_schemas

from conftest import ROOT, SEED_RECORD


def test_committed_schemas_are_current():
    for name, text in json_schemas().items():
        assert (ROOT / "schema" / name).read_text(encoding="utf-8") == text, "run: python -m quotedb schema"


def test_schemas_accept_the_records_and_reject_a_typo():
    import json

    article_schema = json.loads(json_schemas()["article.schema.json"])
    speakers_schema = json.loads(json_schemas()["speakers.schema.json"])
    load = lambda path: yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # dates as text
    record = load(SEED_RECORD)
    jsonschema.validate(record, article_schema)
    jsonschema.validate(load(ROOT / "quotes" / "speakers.yml"), speakers_schema)
    record["quotes"][0]["speker"] = "x"
    try:
        jsonschema.validate(record, article_schema)
    except jsonschema.ValidationError as error:
        assert "speker" in error.message
    else:
        raise AssertionError("a typo passed the schema")
    assert "yaml-language-server: $schema=../../schema/article.schema.json" in SEED_RECORD.read_text()
