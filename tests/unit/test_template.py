"""The SAM template passes `sam validate --lint`, and every resource it declares has an Output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "template.yaml"
SAM = Path(sys.executable).parent / "sam"


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags (!Ref, !GetAtt, !Sub ...) as their long form."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


def _load_template() -> dict[str, Any]:
    with TEMPLATE.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_CfnLoader)  # a SafeLoader subclass


def _referenced(value: Any) -> set[str]:
    """Logical ids (or pseudo parameters) an Output value refers to."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref":
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0] if isinstance(inner, list) else inner.split(".", 1)[0])
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                found |= {m.split(".", 1)[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text)}
                if isinstance(inner, list):
                    found |= _referenced(inner[1])
            else:
                found |= _referenced(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _referenced(inner)
    return found


def test_sam_validate_lint_passes() -> None:
    assert SAM.exists(), f"sam CLI not found beside the interpreter: {SAM}"
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0"}
    completed = subprocess.run(
        [str(SAM), "validate", "--lint", "--region", "us-east-1", "--template-file", str(TEMPLATE)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "is a valid SAM Template" in output, output


def test_every_resource_has_an_output() -> None:
    template = _load_template()
    resources = set(template["Resources"])
    outputs = template.get("Outputs", {})
    covered: set[str] = set()
    for output in outputs.values():
        covered |= _referenced(output["Value"])
    missing = sorted(resources - covered)
    assert not missing, f"resources without an Output: {missing}"


def test_outputs_name_the_layer_and_the_function() -> None:
    outputs = _load_template()["Outputs"]
    assert outputs["EngineLayerArn"]["Value"] == {"Ref": "EngineLayer"}
    assert outputs["ValidateFunctionArn"]["Value"] == {"Fn::GetAtt": ["ValidateFunction", "Arn"]}
    assert outputs["ValidateFunctionName"]["Value"] == {"Ref": "ValidateFunction"}


def test_layer_builds_for_arm64_python311() -> None:
    template = _load_template()
    layer = template["Resources"]["EngineLayer"]
    assert layer["Metadata"] == {"BuildMethod": "python3.11", "BuildArchitecture": "arm64"}
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    function_globals = template["Globals"]["Function"]
    assert function_globals["Runtime"] == "python3.11"
    assert function_globals["Architectures"] == ["arm64"]
