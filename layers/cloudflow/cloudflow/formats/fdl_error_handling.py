"""FDL retry and catch (task, parallel and foreach steps) -> ASL Retry and Catch.

retry: `errors`, `intervalSeconds` (default 1), `maxAttempts` (default 3), `multiplier` (default 2,
ASL's BackoffRate), `maxIntervalSeconds` (ASL's MaxDelaySeconds). catch: `errors` and `goto`, a step
of the same list. A caught step's output is what `errorMappings` build from the error (`$local.error`,
`$local.cause`), merged into the local like any output; without errorMappings it outputs nothing.
"""

from __future__ import annotations

from typing import Any

from cloudflow.formats.conversion import AslState, Chain, Conversion
from cloudflow.formats.diagnostics import SCHEMA_VALIDATION_FAILED, child_pointer
from cloudflow.formats.error_names import catches_all, completed_error, error_equals
from cloudflow.formats.fdl_mappings import MappingRefs, mapping_template
from cloudflow.formats.fdl_sequence import Sequence
from cloudflow.formats.retry_rules import LEGACY, error_list, translate_retry


def add_error_handling(conversion: Conversion, step: dict[str, Any], name: str, pointer: str, sequence: Sequence,
                       core: AslState, chain: Chain) -> None:
    """Give `core` the step's Retry and Catch (catch helpers go to `chain.side`)."""
    if "retry" in step:
        core["Retry"] = translate_retry(conversion, step["retry"], child_pointer(pointer, "retry"), LEGACY)
    if "catch" in step:
        core["Catch"] = _catchers(conversion, step, name, pointer, sequence, chain)
    elif "errorMappings" in step:
        conversion.problems.add(SCHEMA_VALIDATION_FAILED, child_pointer(pointer, "errorMappings"),
                                "errorMappings only apply when the step has catch.")


def _catchers(conversion: Conversion, step: dict[str, Any], name: str, pointer: str, sequence: Sequence,
              chain: Chain) -> list[dict[str, Any]]:
    catch = step["catch"]
    here = child_pointer(pointer, "catch")
    if not isinstance(catch, list):
        conversion.problems.add(SCHEMA_VALIDATION_FAILED, here, "catch must be an array of rules.")
        return []
    mappings = step.get("errorMappings")
    catchers: list[dict[str, Any]] = []
    for index, rule in enumerate(catch):
        at = child_pointer(here, index)
        if not isinstance(rule, dict):
            conversion.problems.add(SCHEMA_VALIDATION_FAILED, at, "A catch rule must be an object.")
            continue
        conversion.unknown_fields(rule, at, ("errors", "goto"), "A catch rule")
        errors = error_list(conversion, rule, at, "errors")
        if "goto" not in rule:
            conversion.problems.missing(at, "A catch rule", "goto")
        target = sequence.goto(rule["goto"], child_pointer(at, "goto"), conversion.problems) if "goto" in rule else ""
        catcher: dict[str, Any] = {"ErrorEquals": error_equals(errors)}
        if mappings is None:
            catcher.update({"ResultPath": None, "Next": target})  # the envelope stays as it was
        else:
            names = conversion.names
            complete = names.helper(name, f"catch {index}")
            build = names.helper(name, f"catch {index} output")
            merge = names.helper(name, f"catch {index} merge")
            chain.side[complete] = {"Type": "Pass", "Parameters": {"error.$": completed_error("$.error")},
                                    "ResultPath": "$.error", "Next": build}
            refs = MappingRefs(input=None, local=None, error="$.error.error")
            template = mapping_template(conversion, mappings, child_pointer(pointer, "errorMappings"), refs)
            chain.side[build] = {"Type": "Pass", "Parameters": template, "ResultPath": "$.output", "Next": merge}
            chain.side[merge] = {**sequence.merged("$.output"), "Next": target}
            catcher.update({"ResultPath": "$.error", "Next": complete})
        catchers.append(catcher)
        if catches_all(errors):
            break
    return catchers


