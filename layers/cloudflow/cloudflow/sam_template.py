"""Reading a SAM / CloudFormation template as plain data."""

from __future__ import annotations

from typing import Any

import yaml


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags (!Ref, !GetAtt, !Sub ...) as None: only literal values are used."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def parse_template(text: str) -> Any:
    """The template's document; yaml.YAMLError when the text is not YAML."""
    return yaml.load(text, Loader=_CfnLoader)
