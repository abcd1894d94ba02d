"""The JSON Schema of the policy file format, for editors and other tools.

A policy file is TOML, but TOML maps one-to-one onto JSON, so editors that
understand JSON Schema (Taplo / "Even Better TOML" in VS Code, JetBrains IDEs)
complete keys and flag mistakes while a policy is written. The schema is
generated from the pydantic models in `accord.sla.policy_spec`, so it cannot
drift from what `accord policy check` accepts; the checks that span several
keys (every channel present, no overlapping windows, a duration's wording)
are only in `accord policy check`.

`accord policy schema > policy.schema.json` writes it to a file.
"""

from __future__ import annotations

import json
from typing import Any

from accord.sla.policy_spec import PolicySpec

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:accord:policy-format"


def policy_json_schema() -> dict[str, Any]:
    """The schema as a dict: the pydantic export plus dialect, id and title."""
    body = PolicySpec.model_json_schema(mode="validation")
    schema: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "Accord support policy",
        "description": (
            "A support policy as code (accord/policies/*.toml); see docs/policy-format.md. "
            "Validate a file with `accord policy check FILE`."
        ),
    }
    schema.update({k: v for k, v in body.items() if k not in ("title", "description")})
    return schema


def policy_json_schema_text() -> str:
    """The schema as indented JSON text, ending with a newline."""
    return json.dumps(policy_json_schema(), indent=2, ensure_ascii=False) + "\n"
