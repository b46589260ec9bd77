"""`sam build` makes an arm64 layer without Docker: native wheels must be aarch64, not the host's.

SAM's python3.11 build method downloads wheels for the function's architecture
(`pip download --platform manylinux2014_aarch64 --only-binary=:all:` under the hood), so no
container is needed. Takes ~10-15 s with a warm pip cache; needs PyPI.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SAM = BIN / "sam"
EM_AARCH64 = 183  # ELF e_machine of ARM64


def _elf_machine(path: Path) -> int:
    header = path.read_bytes()[:20]
    assert header[:4] == b"\x7fELF", f"{path} is not an ELF file"
    byte_order = "<" if header[5] == 1 else ">"
    return int(struct.unpack(byte_order + "H", header[18:20])[0])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Builds a copy of the stack, so concurrent edits and .aws-sam/ in the repo stay untouched."""
    root = tmp_path_factory.mktemp("sambuild")
    shutil.copy2(REPO / "template.yaml", root / "template.yaml")
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(REPO / "layers", root / "layers", ignore=ignore)
    shutil.copytree(REPO / "functions", root / "functions", ignore=ignore)
    env = {
        **os.environ,
        "SAM_CLI_TELEMETRY": "0",
        # sam checks that the runtime's interpreter (python3.11) is on PATH; use this venv's.
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    completed = subprocess.run(
        [str(SAM), "build", "--build-dir", str(root / "build")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return root / "build"


def test_layer_holds_the_engine_and_its_dependencies(built: Path) -> None:
    python = built / "EngineLayer" / "python"
    packages = ("cloudflow", "pydantic", "pydantic_core", "yaml", "aws_lambda_powertools", "aws_xray_sdk")
    for package in packages:
        assert (python / package).is_dir(), f"{package} missing from the built layer"
    for function in ("Validate", "Start", "Step", "Callback", "Timer", "Stop"):
        handler = built / f"{function}Function" / "app.py"
        assert "def lambda_handler" in handler.read_text(), f"{function}Function has no lambda_handler"


def test_pydantic_core_is_an_aarch64_build(built: Path) -> None:
    shared = list((built / "EngineLayer" / "python" / "pydantic_core").glob("_pydantic_core*.so"))
    assert len(shared) == 1, shared
    assert "aarch64" in shared[0].name, shared[0].name
    assert _elf_machine(shared[0]) == EM_AARCH64


def test_no_native_code_for_another_architecture(built: Path) -> None:
    wrong = [
        str(path.relative_to(built))
        for path in (built / "EngineLayer").rglob("*.so*")
        if path.is_file() and _elf_machine(path) != EM_AARCH64
    ]
    assert not wrong, f"non-aarch64 shared objects in the layer: {wrong}"
