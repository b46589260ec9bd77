"""Parallel and Map: their nested scopes, ProcessorConfig, and Map's item, batch and tolerance fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudflow.asl.validation import codes
from cloudflow.asl.validation.fields import JSONATA
from cloudflow.asl.validation.object_fields import ObjectFields
from cloudflow.asl.validation.report import Report, child_pointer
from cloudflow.asl.validation.values import is_jsonata

# Checks a nested state machine: (pointer, machine, query language, "branch" | "processor").
ScopeCheck = Callable[[str, Any, str, str], None]

# Reading items from and writing results to S3 needs a distributed Map. (Step Functions does
# accept ToleratedFailure* and Label on an inline Map, so those are not listed.)
_DISTRIBUTED_ONLY = ("ItemReader", "ItemBatcher", "ResultWriter")
_PROCESSOR_CONFIG_FIELDS = frozenset({"Mode", "ExecutionType"})
_READER_FIELDS = frozenset({"Resource", "Parameters", "Arguments", "ReaderConfig"})
_WRITER_FIELDS = frozenset({"Resource", "Parameters", "Arguments", "WriterConfig"})
_BATCHER_FIELDS = frozenset(
    {"MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput"}
)
# Step Functions' cap on one batch: 256 KiB.
_MAX_BATCH_BYTES = 262_144
_MAX_LABEL_LENGTH = 40


def check_parallel(fields: ObjectFields, language: str, check_scope: ScopeCheck) -> None:
    """Branches: a non-empty array of state machines, each its own scope."""
    if "Branches" not in fields.values:
        return
    branches = fields.values["Branches"]
    if not isinstance(branches, list) or not branches:
        fields.report.add(
            codes.SCHEMA_VALIDATION_FAILED,
            fields.at("Branches"),
            "Branches must be a non-empty array of state machines.",
        )
        return
    for index, branch in enumerate(branches):
        check_scope(child_pointer(fields.at("Branches"), index), branch, language, "branch")


def check_map(fields: ObjectFields, language: str, check_scope: ScopeCheck) -> None:
    """The processor (ItemProcessor, or legacy Iterator) and every Map-only field."""
    distributed = False
    for name in ("ItemProcessor", "Iterator"):
        if name in fields.values:
            check_scope(fields.at(name), fields.values[name], language, "processor")
            distributed = _check_processor_config(fields.report, fields.at(name), fields.values[name])
    for name in _DISTRIBUTED_ONLY:
        if name in fields.values and not distributed:
            fields.report.add(
                codes.SCHEMA_VALIDATION_FAILED,
                fields.at(name),
                f"{name} needs a distributed Map (ItemProcessor.ProcessorConfig.Mode DISTRIBUTED).",
            )
    fields.path("ItemsPath")
    if not is_jsonata(fields.values.get("Items")):
        fields.of_type("Items", list)
    for name in ("ItemSelector", "Parameters"):
        # JSONata selectors hold expressions, not `.$` paths; the whole selector may be one expression.
        if language == JSONATA:
            if not is_jsonata(fields.values.get(name)):
                fields.of_type(name, dict)
        else:
            fields.template(name)
    fields.integer("MaxConcurrency", 0, None)
    fields.integer("ToleratedFailureCount", 0, None)
    fields.number("ToleratedFailurePercentage", 0, 100)
    for name in ("MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"):
        fields.path(name)
    label = fields.values.get("Label")
    if "Label" in fields.values and not (isinstance(label, str) and 0 < len(label) <= _MAX_LABEL_LENGTH):
        fields.report.add(
            codes.SCHEMA_VALIDATION_FAILED,
            fields.at("Label"),
            f"Label must be a string of 1 to {_MAX_LABEL_LENGTH} characters.",
        )
    for name, known in (("ItemReader", _READER_FIELDS), ("ResultWriter", _WRITER_FIELDS)):
        block = fields.nested(name)
        if block is not None:
            _check_resource_block(block, name, known, needs_resource=name == "ItemReader")
    batcher = fields.nested("ItemBatcher")
    if batcher is not None:
        _check_batcher(batcher)


def _check_processor_config(report: Report, pointer: str, processor: Any) -> bool:
    """Check ProcessorConfig; True when it asks for a distributed Map."""
    if not isinstance(processor, dict):
        return False
    config = ObjectFields(report, pointer, processor).nested("ProcessorConfig")
    if config is None:
        return False
    _check_known(config, _PROCESSOR_CONFIG_FIELDS, "ProcessorConfig")
    config.one_of("Mode", ("INLINE", "DISTRIBUTED"))
    config.one_of("ExecutionType", ("STANDARD", "EXPRESS"))
    distributed = config.values.get("Mode") == "DISTRIBUTED"
    if distributed and "ExecutionType" not in config.values:
        report.add(codes.SCHEMA_VALIDATION_FAILED, config.pointer, "A DISTRIBUTED ProcessorConfig needs ExecutionType.")
    return distributed


def _check_resource_block(block: ObjectFields, name: str, known: frozenset[str], *, needs_resource: bool) -> None:
    _check_known(block, known, name)
    if "Resource" not in block.values and needs_resource:
        block.report.add(codes.SCHEMA_VALIDATION_FAILED, block.pointer, f"{name} needs a Resource.")
    block.of_type("Resource", str)
    block.template("Parameters", object_only=False)
    block.of_type("ReaderConfig", dict)
    block.of_type("WriterConfig", dict)


def _check_batcher(batcher: ObjectFields) -> None:
    _check_known(batcher, _BATCHER_FIELDS, "ItemBatcher")
    for name, maximum in (("MaxItemsPerBatch", None), ("MaxInputBytesPerBatch", _MAX_BATCH_BYTES)):
        if name in batcher.values and f"{name}Path" in batcher.values:
            batcher.report.add(
                codes.SCHEMA_VALIDATION_FAILED, batcher.pointer, f"{name} and {name}Path cannot both be given."
            )
        batcher.integer(name, 1, maximum)
        batcher.path(f"{name}Path")
    batcher.template("BatchInput")


def _check_known(block: ObjectFields, known: frozenset[str], what: str) -> None:
    for name in block.values:
        if name not in known:
            block.report.add(codes.SCHEMA_VALIDATION_FAILED, block.at(name), f"{name} is not a field of {what}.")
