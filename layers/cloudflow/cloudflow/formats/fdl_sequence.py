"""Where FDL steps are compiled: a list of steps, its ASL scope, and the envelope its data travels in.

FDL passes data differently from ASL (FDL "Inputs and outputs" page):

- a sequence of steps has an input and a local variable; each step's output is MERGED into the local
  (later keys win), it does not replace the data as an ASL state's output does;
- a step's input is the merge of the sequence's input and local (local wins) unless inputMappings say
  otherwise; its output is its own local (a task's result) unless outputMappings say otherwise; pass,
  wait, parallel and foreach steps output nothing by default.

So the ASL state data is an envelope `{"input": ..., "local": ...}`. Where a step needs its own input
as a value (a condition, a wait duration, a foreach collection, outputMappings reading `$input`), a
helper Pass first puts it at `$.step.input`; results go to `$.result`, built outputs to `$.output`, and
a helper "merge" Pass folds the output into `local` (States.JsonMerge) and drops the scratch keys.
Inside a choice branch the envelope is the branch's own, the enclosing one is kept under `outer`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cloudflow.formats.conversion import AslState
from cloudflow.formats.diagnostics import MISSING_TRANSITION_TARGET, Problems

STEP_INPUT = "$.step.input"
"""Where a helper Pass puts a step's input when the step reads it as a value."""


@dataclass
class Sequence:
    """A list of steps being compiled: its ASL scope's states and what surrounds it."""

    states: dict[str, AslState]
    exit: str
    """The state entered after the last step (or after a step with `end: true`)."""
    unwind: Callable[[str], str]
    """For a succeed step named by the argument: the state that ends the ASL scope the FDL way."""
    nesting: int = 0
    """Enclosing choice branches in the same ASL scope, whose envelopes are nested under `outer`."""
    siblings: dict[str, str] = field(default_factory=dict)
    """Step name -> first ASL state, for `goto` (which names a step of the same list)."""

    def envelope(self, local: str) -> dict[str, Any]:
        """Parameters that rebuild this sequence's envelope with `local` (a path or intrinsic)."""
        kept: dict[str, Any] = {"input.$": "$.input", "local.$": local}
        if self.nesting:
            kept["outer.$"] = "$.outer"
        return kept

    def merged(self, source: str) -> AslState:
        """A Pass that merges the object at `source` into the local and drops every scratch key."""
        return {"Type": "Pass", "Parameters": self.envelope(f"States.JsonMerge($.local, {source}, false)")}

    def goto(self, target: Any, pointer: str, problems: Problems) -> str:
        """The first state of the step a `goto` names, which must be in the same list of steps."""
        if isinstance(target, str) and target in self.siblings:
            return self.siblings[target]
        problems.add(MISSING_TRANSITION_TARGET, pointer,
                     f"goto {target!r} names no step of this list of steps ({', '.join(self.siblings) or 'none'}).")
        return self.exit
