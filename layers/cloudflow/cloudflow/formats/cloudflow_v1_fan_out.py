"""CloudFlow Parallel and Map states -> ASL Parallel and Map (inline, or distributed with ProcessorConfig).

Map: ItemsPath selects the items, ItemConstructor builds each iteration's input ($Item: the element,
$Input: the Map's input) as ItemSelector does, Processor is the ItemProcessor. ProcessorConfig's
ExecutionMode (Express, Standard) asks for distributed mode; its OSS item reader and result writer
have no counterpart here. Outputs ({"Branch<i>": ...}, {"Items": [...]}): see cloudflow_v1_results.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cloudflow.formats.cloudflow_v1_references import References
from cloudflow.formats.cloudflow_v1_results import branches_result, items_result
from cloudflow.formats.conversion import AslState, Chain
from cloudflow.formats.diagnostics import SCHEMA_VALIDATION_FAILED, Problems, child_pointer, field_pointer
from cloudflow.formats.values import translate_template

if TYPE_CHECKING:
    from cloudflow.formats.cloudflow_v1_states import StateTranslator


@dataclass
class FanOutTranslator:
    states: StateTranslator

    @property
    def problems(self) -> Problems:
        return self.states.problems

    def parallel(self, name: str, state: dict[str, Any], pointer: str, chain: Chain) -> bool:
        branches = state.get("Branches")
        if not isinstance(branches, list) or not branches:
            self.problems.add(SCHEMA_VALIDATION_FAILED, field_pointer(pointer, state, "Branches"),
                              "A Parallel state needs Branches: an array of {StartAt, States}.")
            branches = []
        core: AslState = {"Type": "Parallel", "Branches": [
            self.states.convert_scope(branch, child_pointer(pointer, "Branches", index), "A Parallel branch")
            for index, branch in enumerate(branches)]}
        chain.add(name, core)
        self.states.finish_fallible(name, state, pointer, core, branches_result(len(branches)), chain)
        return True

    def map(self, name: str, state: dict[str, Any], pointer: str, chain: Chain) -> bool:
        core: AslState = {"Type": "Map"}
        if "ItemsPath" in state:
            path = self.states.path(state["ItemsPath"], child_pointer(pointer, "ItemsPath"))
            if path is not None:
                core["ItemsPath"] = path
        else:
            self.problems.missing(pointer, "A Map state", "ItemsPath (such as $Input.items)")
        if "ItemConstructor" in state:
            # Each iteration's input: $Item is the element, $Input the Map state's own input.
            items = References(input="$", item="$$.Map.Item.Value")
            core["ItemSelector"] = translate_template(state["ItemConstructor"], items.resolve,
                                                      child_pointer(pointer, "ItemConstructor"), self.problems)
        processor = self.states.convert_scope(state.get("Processor"), field_pointer(pointer, state, "Processor"),
                                       "A Map Processor")
        distributed = self._processor_config(state, pointer)
        core["ItemProcessor"] = {"ProcessorConfig": distributed or {"Mode": "INLINE"}, **processor}
        concurrency = next((f for f in ("MaxConcurrency", "MaxConcuccency") if f in state), None)  # docs spell both
        if concurrency is not None:
            value = self.states.conversion.integer(state, concurrency, pointer, 0)
            if value is not None:
                core["MaxConcurrency"] = value
        self._distributed_fields(state, pointer, core, distributed is not None)
        chain.add(name, core)
        self.states.finish_fallible(name, state, pointer, core, items_result(), chain)
        return True

    def _processor_config(self, state: dict[str, Any], pointer: str) -> dict[str, Any] | None:
        """ProcessorConfig.ExecutionMode (Express, Standard): distributed mode, sub-executions of that type."""
        config = state.get("ProcessorConfig")
        if config is None:
            return None
        here = child_pointer(pointer, "ProcessorConfig")
        mode = config.get("ExecutionMode") if isinstance(config, dict) else None
        if mode not in ("Express", "Standard"):
            self.problems.add(SCHEMA_VALIDATION_FAILED, here, "ProcessorConfig needs ExecutionMode Express or "
                                                              "Standard (distributed mode).")
            return None
        self.states.conversion.unknown_fields(config, here, ("ExecutionMode",), "ProcessorConfig")
        return {"Mode": "DISTRIBUTED", "ExecutionType": str(mode).upper()}

    def _distributed_fields(self, state: dict[str, Any], pointer: str, core: AslState, distributed: bool) -> None:
        for field in ("ItemReader", "ResultWriter", "MaxItems"):
            if field in state:
                self.problems.unsupported(child_pointer(pointer, field),
                                          f"{field} (items read from or results written to OSS) has no counterpart "
                                          "in CloudFlow's ASL runtime.")
        for field in ("ToleratedFailurePercentage", "ToleratedFailureCount", "ItemBatcher"):
            if field not in state:
                continue
            if not distributed:
                self.problems.add(SCHEMA_VALIDATION_FAILED, child_pointer(pointer, field),
                                  f"{field} needs distributed mode (ProcessorConfig.ExecutionMode).")
            elif field == "ItemBatcher":
                batcher = state[field]
                if isinstance(batcher, dict):
                    self.states.conversion.unknown_fields(batcher, child_pointer(pointer, field),
                                                   ("MaxItemsPerBatch", "MaxInputBytesPerBatch"), "ItemBatcher")
                core[field] = batcher
            else:
                core[field] = state[field]

