"""The `cloudflow` command: run a flow locally, validate a definition, convert a CloudFlow one to ASL;
and, through the management API of a local or deployed stack, manage flows, executions, tasks and usage
(`cloudflow flows|executions|tasks|usage`, see cloudflow.cli_api).

Exit status: 0 when a run SUCCEEDED or a definition is valid; 1 for the other terminal statuses;
2 for an invalid definition, input or option (with a message naming what is wrong, never a trace).
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from cloudflow.cli_api import add_api_commands
from cloudflow.cli_api.commands import add_target_options
from cloudflow.cli_api.console_proxy import add_console_command
from cloudflow.errors import CloudFlowError, InvalidDefinitionError, InvalidInputError

EXIT_OK, EXIT_NOT_SUCCEEDED, EXIT_INVALID = 0, 1, 2


def _read_text(path: str, field: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(field, f"cannot read {path}: {exc.strerror or exc}") from None


def _parse_input(raw: str | None) -> Any:
    if raw is None:
        return {}
    text = _read_text(raw[1:], "--input") if raw.startswith("@") else raw
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError("--input", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")\
            from None


def _resolver(args: argparse.Namespace) -> Any:
    from cloudflow.local.mock_config import MockConfig
    from cloudflow.local.resolver_chain import ResolverChain

    # Mocks answer first, then local Python functions (a test case overrides the real handler).
    resolvers: list[Any] = []
    if args.mock_config:
        if not args.test_case:
            raise InvalidInputError("--test-case", "is required with --mock-config")
        resolvers.append(MockConfig.from_file(args.mock_config).resolver(args.state_machine_name, args.test_case))
    elif args.test_case:
        raise InvalidInputError("--test-case", "needs --mock-config")
    return ResolverChain(resolvers + _local_functions(args))


def _local_functions(args: argparse.Namespace) -> list[Any]:
    """The resolvers of --tasks (Python functions bound to resources) and --functions (a SAM template's
    functions, run in process behind Lambda's Invoke), in that order."""
    from cloudflow.integrations.lambda_resolver import LambdaTaskResolver
    from cloudflow.local.python_tasks import load_python_tasks
    from cloudflow.local.template_functions import TemplateFunctions

    resolvers: list[Any] = []
    if args.tasks:
        resolvers.append(load_python_tasks(args.tasks))
    if args.functions:
        resolvers.append(LambdaTaskResolver(TemplateFunctions.from_template(args.functions)))
    return resolvers


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number of seconds, not {text!r}")
    return value


def _command_run(args: argparse.Namespace) -> int:
    from cloudflow.asl.loader import load_state_machine
    from cloudflow.cli_api.progress import Progress
    from cloudflow.local.runner import execution_info, run_to_end

    machine = load_state_machine(_read_text(args.definition, "DEFINITION"))
    execution_input = _parse_input(args.input)
    resolver = _resolver(args)
    flow_name = args.state_machine_name or Path(args.definition).stem
    # The CLI is the host: it reads the clock and draws the seed; the engine only receives them.
    start_ms = int(time.time() * 1000)
    name = args.name or str(uuid.uuid4())
    seed = args.seed or secrets.token_hex(16)
    if args.durable:
        result = _run_durable(args, flow_name, name, execution_input, start_ms, seed)
    else:
        info = execution_info(flow_name, name, execution_input, start_ms,
                              callback_timeout_seconds=args.callback_timeout)
        with Progress(sys.stderr, "running") as progress:
            def report(transitions: int, virtual_ms: int) -> None:
                # The spinner's thread redraws: a fast run is not slowed by drawing every event.
                progress.label = f"running: {transitions} transitions, {virtual_ms / 1000:g} s of virtual time"

            result = run_to_end(machine, info, resolver, seed=seed, on_progress=report)
    if args.json:
        print(json.dumps(result.to_dict(with_history=args.history), ensure_ascii=False))
    else:
        _print_summary(result, args.history)
    return EXIT_OK if result.status == "SUCCEEDED" else EXIT_NOT_SUCCEEDED


def _run_durable(args: argparse.Namespace, flow: str, name: str, execution_input: Any, start_ms: int,
                 seed: str) -> Any:
    from cloudflow.adapters.durable_run import run_durable
    from cloudflow.local.mock_config import MockConfig
    from cloudflow.local.resolver_chain import FirstAnswer

    mock_config = MockConfig.from_file(args.mock_config) if args.mock_config else None
    local = _local_functions(args)
    tasks = FirstAnswer(local) if local else None
    if args.state_machine_name is None and mock_config is not None and len(mock_config.test_cases) == 1:
        flow = next(iter(mock_config.test_cases))  # the flow is named as the mock config names it
    return run_durable(_read_text(args.definition, "DEFINITION"), flow, name, execution_input, start_ms, seed,
                       tasks=tasks, mock_config=mock_config, test_case=args.test_case,
                       callback_timeout_seconds=args.callback_timeout)


def _command_local(args: argparse.Namespace) -> int:
    """Serve the local stack until interrupted."""
    from cloudflow.adapters.local_stack import running_local_stack, wait_for_interrupt

    with running_local_stack(host=args.host, port=args.port, local_tasks=_local_functions(args),
                             fast_forward=args.fast_forward) as base:
        print(f"CloudFlow local stack on {base}  (API; OpenAPI at /openapi.json; console at /console). "
              "Ctrl-C stops it.", flush=True)
        wait_for_interrupt()
    return EXIT_OK


def _command_demo(args: argparse.Namespace) -> int:
    from cloudflow.adapters.local_pump import find_project
    from cloudflow.cli_api.demo import run_demo

    return run_demo(find_project(), args.port, keep_serving=not args.exit, out=sys.stdout)


def _print_summary(result: Any, with_history: bool) -> None:
    print(f"Execution  {result.execution_arn}")
    print(f"Status     {result.status}")
    if result.status == "SUCCEEDED":
        print(f"Output     {json.dumps(result.output, ensure_ascii=False)}")
    else:
        print(f"Error      {result.error}")
        print(f"Cause      {result.cause}")
    seconds = (result.ended_ms - result.started_ms) / 1000
    print(f"Transitions {result.transitions}   virtual time {seconds:g} s")
    if with_history:
        for event in result.history:
            print(f"  {event['id']:>4}  {event['timestamp']}  {event['type']}")


def _command_validate(args: argparse.Namespace) -> int:
    if args.endpoint or args.stack_name:  # only when asked: the environment never turns a local check remote
        from cloudflow.cli_api.flow_commands import validate_remotely

        return validate_remotely(args)
    from cloudflow.asl.loader import load_state_machine

    try:
        load_state_machine(_read_text(args.definition, "DEFINITION"))
    except InvalidDefinitionError as exc:
        if args.json:
            print(json.dumps({"result": "FAIL", "diagnostics": [d.to_dict() for d in exc.diagnostics]}))
        else:
            print(f"{args.definition}: {len(exc.diagnostics)} problem(s)")
            for diagnostic in exc.diagnostics:
                print(f"  {diagnostic}")
        return EXIT_INVALID
    print(json.dumps({"result": "OK", "diagnostics": []}) if args.json else f"{args.definition}: valid")
    return EXIT_OK


def _command_convert(args: argparse.Namespace) -> int:
    """Print the ASL equivalent of a CloudFlow (current or legacy FDL) definition, or its problems."""
    from cloudflow.asl.loader import parse_definition_text
    from cloudflow.asl.validate import validate_definition
    from cloudflow.formats import converted_definition_problems, detect_format, to_asl

    document = parse_definition_text(_read_text(args.definition, "FILE"))
    definition, problems = to_asl(document)
    if not problems:
        problems = validate_definition(definition)
        if detect_format(document) != "asl":
            problems = converted_definition_problems(problems)
    if problems:
        print(f"{args.definition}: {len(problems)} problem(s)")
        for diagnostic in problems:
            print(f"  {diagnostic}")
        return EXIT_INVALID
    print(json.dumps(definition, indent=2, ensure_ascii=False))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="cloudflow", description="Run and check Amazon States Language flows.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a flow locally to its end on a virtual clock")
    run.add_argument("definition", metavar="DEFINITION",
                     help="ASL or Alibaba Cloud CloudFlow (v1, FDL) definition file (JSON or YAML)")
    run.add_argument("--input", help="execution input: JSON text, or @FILE")
    run.add_argument("--mock-config", help="Step Functions Local MockConfigFile")
    run.add_argument("--state-machine-name", help="state machine in the mock config (and the flow's name)")
    run.add_argument("--test-case", help="test case in the mock config")
    run.add_argument("--tasks", help="Python file binding resource ARNs to local functions")
    run.add_argument("--callback-timeout", metavar="SECONDS", type=_positive_int,
                     help="fail callback tasks without TimeoutSeconds after this (default: wait forever)")
    run.add_argument("--functions", metavar="TEMPLATE",
                     help="SAM template whose Python functions answer Lambda tasks (run in process)")
    run.add_argument("--name", help="execution name (default: a UUID)")
    run.add_argument("--seed", help="seed for MathRandom, UUID and jitter (default: random)")
    run.add_argument("--history", action="store_true", help="include the execution history")
    run.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    run.add_argument("--durable", action="store_true",
                     help="run through the durable runtime (handlers, DynamoDB, SQS, Scheduler, S3) on local moto")
    run.set_defaults(handler=_command_run)
    validate = sub.add_parser("validate", help="check a definition and list every problem")
    validate.add_argument("definition", metavar="FILE")
    validate.add_argument("--json", action="store_true")
    add_target_options(validate)  # --endpoint / --stack-name: let that stack's API check it
    validate.set_defaults(handler=_command_validate)
    convert = sub.add_parser("convert", help="print the ASL equivalent of an Alibaba Cloud CloudFlow definition")
    convert.add_argument("definition", metavar="FILE", help="CloudFlow (SpecVersion v1) or FDL definition")
    convert.add_argument("--to", choices=["asl"], default="asl", help="target format (default: asl)")
    convert.set_defaults(handler=_command_convert)
    local = sub.add_parser("local", help="serve the API on 127.0.0.1 over the runtime on in-process moto")
    local.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    local.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765; 0 picks one)")
    local.add_argument("--functions", metavar="TEMPLATE",
                       help="SAM template whose Python functions answer Lambda tasks (run in process)")
    local.add_argument("--tasks", help="Python file binding resource ARNs to local functions")
    local.add_argument("--fast-forward", action="store_true",
                       help="when idle, jump the clock to the next wake-up (Waits and retries end at once)")
    local.set_defaults(handler=_command_local)
    demo = sub.add_parser("demo", help="run the order example through the local stack and show where to see it")
    demo.add_argument("--port", type=int, default=8765, help="port to serve on (default 8765; 0 picks one)")
    demo.add_argument("--exit", action="store_true", help="stop once the example ended instead of serving")
    demo.set_defaults(handler=_command_demo)
    add_api_commands(sub)
    add_console_command(sub)  # a deployed stack's console through a local signing proxy
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `cloudflow` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except InvalidDefinitionError as exc:
        print(str(exc), file=sys.stderr)
        if getattr(args, "json", False):
            print(json.dumps({"status": "INVALID_DEFINITION",
                              "diagnostics": [d.to_dict() for d in exc.diagnostics]}))
        return EXIT_INVALID
    except CloudFlowError as exc:
        print(f"cloudflow: {exc}", file=sys.stderr)
        return EXIT_INVALID
    return code


if __name__ == "__main__":
    sys.exit(main())
