"""The API's contract held still: its paths and operations, their query parameters, the schema's
components, and the fields of every list in JSON and CSV.

The snapshot (``api_snapshot.json`` beside this file) is the API as published. A change that
moves code around must leave it as it is; a change that means to alter the API regenerates it
with ``UPDATE_API_SNAPSHOT=1 .venv/bin/pytest tests/api/test_schema_snapshot.py`` and says so
in docs/api.md, because data users' scripts depend on every name in it.
"""

import csv
import io
import json
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("api_snapshot.json")
METHODS = ("get", "put", "patch", "post", "delete", "head", "options", "trace")


def schema_outline(schema):
    paths = {}
    parameters = {}
    for path, item in sorted(schema["paths"].items()):
        operations = {method: operation for method, operation in item.items() if method in METHODS}
        paths[path] = sorted(f"{method.upper()} {operation['operationId']}" for method, operation in operations.items())
        for operation in operations.values():
            parameters[operation["operationId"]] = sorted(
                f"{parameter['in']}:{parameter['name']}" for parameter in operation.get("parameters", [])
            )
    components = {
        name: sorted(component.get("properties", {})) for name, component in schema["components"]["schemas"].items()
    }
    return {"paths": paths, "parameters": parameters, "components": dict(sorted(components.items()))}


def list_fields(client, root):
    """Each list's JSON fields (of its first object) and CSV header, read from the API itself."""
    fields = {}
    for name, url in sorted(root.items()):
        if name in ("schema", "docs"):
            continue
        results = client.get(url).json()["results"]
        assert results, f"the test tracker has no {name}: its fields cannot be checked"
        header = next(csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode())))
        fields[name] = {"json": list(results[0]), "csv": header}
    return fields


def test_the_api_matches_its_published_snapshot(client, tracker):
    root = client.get("/api/").json()
    current = {
        "endpoints": root,
        **schema_outline(client.get("/api/schema/", {"format": "json"}).json()),
        "lists": list_fields(client, root),
    }
    if os.environ.get("UPDATE_API_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n")
    published = json.loads(SNAPSHOT.read_text())
    for part in published:
        assert current[part] == published[part], f"the API's {part} changed; see this module's docstring"
    assert current.keys() == published.keys()
