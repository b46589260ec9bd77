"""The `cloudflow` subcommands that call the management API: flows, executions, tasks and usage.

They talk to a local stack (`--endpoint http://127.0.0.1:8765`, plain HTTP) or to a deployed one
(`--stack-name NAME`: the API's URL from the stack's Outputs, requests signed with SigV4). `cli.py`
registers them with `add_api_commands(sub)`.
"""

from cloudflow.cli_api.commands import add_api_commands

__all__ = ["add_api_commands"]
