"""One module per state type; HANDLERS maps an ASL Type to the function that enters it."""

from __future__ import annotations

from cloudflow.core.states.choice_state import run_choice
from cloudflow.core.states.fail_state import run_fail
from cloudflow.core.states.map_state import run_map
from cloudflow.core.states.parallel_state import run_parallel
from cloudflow.core.states.pass_state import run_pass
from cloudflow.core.states.succeed_state import run_succeed
from cloudflow.core.states.task_state import run_task
from cloudflow.core.states.wait_state import run_wait
from cloudflow.core.step_run import StateHandler

HANDLERS: dict[str, StateHandler] = {
    "Pass": run_pass,
    "Task": run_task,
    "Choice": run_choice,
    "Wait": run_wait,
    "Succeed": run_succeed,
    "Fail": run_fail,
    "Parallel": run_parallel,
    "Map": run_map,
}
