"""Step Functions intrinsic functions (`States.Format(...)` and the other 17): parse once, evaluate often.

call = parse_intrinsic("States.Format('Hello {}', $.name)")  # cached; IntrinsicSyntaxError
value = evaluate_intrinsic(call, scope)  # FailureRaised(States.Runtime) when the call fails
"""

from cloudflow.core.dataflow.intrinsics.evaluator import evaluate_intrinsic
from cloudflow.core.dataflow.intrinsics.parser import parse_intrinsic
from cloudflow.core.dataflow.intrinsics.syntax import IntrinsicCall, IntrinsicSyntaxError

__all__ = ["IntrinsicCall", "IntrinsicSyntaxError", "evaluate_intrinsic", "parse_intrinsic"]
