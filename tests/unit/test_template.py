"""The SAM template passes `sam validate --lint`, every resource it declares has an Output, and the
durable runtime (table, queues, timers, payload bucket, functions) is wired as the engine expects.

These are static checks of template.yaml and samconfig.toml; `sam build` is covered by test_sam_build.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "template.yaml"
SAMCONFIG = REPO / "samconfig.toml"
SAM = Path(sys.executable).parent / "sam"


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags (!Ref, !GetAtt, !Sub ...) as their long form."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


def _load_template() -> dict[str, Any]:
    with TEMPLATE.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_CfnLoader)  # a SafeLoader subclass


def _referenced(value: Any) -> set[str]:
    """Logical ids (or pseudo parameters) an Output value refers to."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref":
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0] if isinstance(inner, list) else inner.split(".", 1)[0])
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                found |= {m.split(".", 1)[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text)}
                if isinstance(inner, list):
                    found |= _referenced(inner[1])
            else:
                found |= _referenced(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _referenced(inner)
    return found


def test_sam_validate_lint_passes() -> None:
    assert SAM.exists(), f"sam CLI not found beside the interpreter: {SAM}"
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0"}
    completed = subprocess.run(
        [str(SAM), "validate", "--lint", "--region", "us-east-1", "--template-file", str(TEMPLATE)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "is a valid SAM Template" in output, output


def test_every_resource_has_an_output() -> None:
    template = _load_template()
    resources = set(template["Resources"])
    outputs = template.get("Outputs", {})
    covered: set[str] = set()
    for output in outputs.values():
        covered |= _referenced(output["Value"])
    missing = sorted(resources - covered)
    assert not missing, f"resources without an Output: {missing}"


def test_outputs_name_the_layer_and_the_function() -> None:
    outputs = _load_template()["Outputs"]
    assert outputs["EngineLayerArn"]["Value"] == {"Ref": "EngineLayer"}
    assert outputs["ValidateFunctionArn"]["Value"] == {"Fn::GetAtt": ["ValidateFunction", "Arn"]}
    assert outputs["ValidateFunctionName"]["Value"] == {"Ref": "ValidateFunction"}


def test_layer_builds_for_arm64_python311() -> None:
    template = _load_template()
    layer = template["Resources"]["EngineLayer"]
    assert layer["Metadata"] == {"BuildMethod": "python3.11", "BuildArchitecture": "arm64"}
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    function_globals = template["Globals"]["Function"]
    assert function_globals["Runtime"] == "python3.11"
    assert function_globals["Architectures"] == ["arm64"]


# ---------------------------------------------------------------- the durable runtime

FUNCTIONS = {  # logical id -> code directory under functions/
    "ValidateFunction": "validate",
    "StartFunction": "start",
    "StepFunction": "step",
    "CallbackFunction": "callback",
    "TimerFunction": "timer",
    "StopFunction": "stop",
    "ActivitiesFunction": "activities",
    "ApiFunction": "api",
}

GLOBAL_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME": "cloudflow",
    "POWERTOOLS_METRICS_NAMESPACE": "CloudFlow",
    "POWERTOOLS_LOGGER_LOG_EVENT": "false",
    "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
    "LOG_LEVEL": {"Ref": "LogLevel"},
    "CLOUDFLOW_TABLE": {"Ref": "Table"},
    "CLOUDFLOW_STEP_QUEUE_URL": {"Ref": "StepQueue"},
    "CLOUDFLOW_TIMER_QUEUE_URL": {"Ref": "TimerQueue"},
    "CLOUDFLOW_PAYLOAD_BUCKET": {"Ref": "PayloadBucket"},
    "CLOUDFLOW_SCHEDULE_GROUP": {"Ref": "ScheduleGroup"},
    "CLOUDFLOW_HISTORY_RETENTION_DAYS": {"Ref": "HistoryRetentionDays"},
    "CLOUDFLOW_CALLBACK_TIMEOUT_SECONDS": {"Ref": "CallbackTimeoutSeconds"},
    "CLOUDFLOW_EVENT_FLOW": {"Ref": "EventFlowName"},
}


def _resources() -> dict[str, Any]:
    return dict(_load_template()["Resources"])


def _of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: resource for name, resource in resources.items() if resource["Type"] == kind}


def _effective(template: dict[str, Any], function: str) -> dict[str, Any]:
    """A function's properties with Globals.Function applied (maps merged, scalars overridden), as SAM does."""
    merged = dict(template.get("Globals", {}).get("Function", {}))
    for key, value in template["Resources"][function]["Properties"].items():
        if key == "Environment":
            variables = {**merged.get("Environment", {}).get("Variables", {}), **value.get("Variables", {})}
            merged["Environment"] = {"Variables": variables}
        else:
            merged[key] = value
    return merged


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    statements = document["Statement"]
    return statements if isinstance(statements, list) else [statements]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_the_runtime_functions_are_declared() -> None:
    functions = _of_type(_resources(), "AWS::Serverless::Function")
    assert set(functions) == set(FUNCTIONS)
    for name, directory in FUNCTIONS.items():
        properties = functions[name]["Properties"]
        assert properties["CodeUri"] == f"functions/{directory}/", name
        assert properties["Handler"] == "app.lambda_handler", name


def test_every_function_is_arm64_python311_with_the_layer_and_a_log_group() -> None:
    template = _load_template()
    resources = template["Resources"]
    log_groups = _of_type(resources, "AWS::Logs::LogGroup")
    for name in FUNCTIONS:
        effective = _effective(template, name)
        assert effective["Runtime"] == "python3.11", name
        assert effective["Architectures"] == ["arm64"], name
        assert effective["Tracing"] == "Active", name
        assert {"Ref": "EngineLayer"} in effective["Layers"], name
        log_group = log_groups.get(f"{name}LogGroup")
        assert log_group is not None, f"{name} has no log group"
        assert log_group["Properties"]["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/${{{name}}}"}
        assert log_group["Properties"]["RetentionInDays"] > 0


def test_every_function_gets_the_runtime_environment() -> None:
    template = _load_template()
    for name in FUNCTIONS:
        variables = _effective(template, name)["Environment"]["Variables"]
        for key, value in GLOBAL_ENVIRONMENT.items():
            assert variables.get(key) == value, f"{name}: {key}"


def test_timer_function_and_scheduler_role_arns_only_reach_the_step_function() -> None:
    template = _load_template()
    global_variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert "CLOUDFLOW_TIMER_FUNCTION_ARN" not in global_variables
    assert "CLOUDFLOW_SCHEDULER_ROLE_ARN" not in global_variables
    step = template["Resources"]["StepFunction"]["Properties"]["Environment"]["Variables"]
    assert step["CLOUDFLOW_TIMER_FUNCTION_ARN"] == {"Fn::GetAtt": ["TimerFunction", "Arn"]}
    assert step["CLOUDFLOW_SCHEDULER_ROLE_ARN"] == {"Fn::GetAtt": ["SchedulerRole", "Arn"]}


def test_resources_do_not_depend_on_themselves() -> None:
    """No dependency cycle, counting Globals as part of every function (CloudFormation would refuse it)."""
    template = _load_template()
    resources = template["Resources"]
    edges: dict[str, set[str]] = {}
    for name, resource in resources.items():
        properties = _effective(template, name) if name in FUNCTIONS else resource.get("Properties", {})
        depends_on = resource.get("DependsOn", [])
        targets = _referenced(properties) | set(_as_list(depends_on))
        edges[name] = {target for target in targets if target in resources}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> None:
        if node in done:
            return
        assert node not in visiting, f"dependency cycle: {' -> '.join([*visiting[visiting.index(node) :], node])}"
        visiting.append(node)
        for target in sorted(edges[node]):
            visit(target)
        visiting.pop()
        done.add(node)

    for name in sorted(resources):
        visit(name)


def test_table_is_on_demand_with_ttl_pitr_and_both_indexes() -> None:
    table = _resources()["Table"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"]["SSEEnabled"] is True
    assert properties["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    attributes = {item["AttributeName"]: item["AttributeType"] for item in properties["AttributeDefinitions"]}
    assert attributes == {name: "S" for name in ("pk", "sk", "gsi1pk", "gsi1sk", "usage_pk", "usage_sk")}
    indexes = {index["IndexName"]: index for index in properties["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"ByFlow", "Usage"}
    expected = {
        "ByFlow": ("gsi1pk", "gsi1sk", ["status", "start_ms", "stop_ms", "name"]),
        "Usage": ("usage_pk", "usage_sk", ["transitions"]),
    }
    for index_name, (hash_key, range_key, included) in expected.items():
        index = indexes[index_name]
        assert index["KeySchema"] == [
            {"AttributeName": hash_key, "KeyType": "HASH"},
            {"AttributeName": range_key, "KeyType": "RANGE"},
        ], index_name
        assert index["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": included}, index_name


def test_step_queue_is_high_throughput_fifo_with_a_fifo_dead_letter_queue() -> None:
    resources = _resources()
    queue = resources["StepQueue"]["Properties"]
    assert queue["FifoQueue"] is True
    assert queue["ContentBasedDeduplication"] is False
    assert queue["DeduplicationScope"] == "messageGroup"
    assert queue["FifoThroughputLimit"] == "perMessageGroupId"
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["MessageRetentionPeriod"] == 1209600
    step_timeout = resources["StepFunction"]["Properties"]["Timeout"]
    assert step_timeout == 60
    assert queue["VisibilityTimeout"] >= 6 * step_timeout
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["StepDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 5,
    }
    dead_letter = resources["StepDeadLetterQueue"]
    assert dead_letter["Type"] == "AWS::SQS::Queue"
    assert dead_letter["Properties"]["FifoQueue"] is True
    assert dead_letter["Properties"]["MessageRetentionPeriod"] == 1209600


def test_timer_queue_is_standard_and_redrives_to_its_dead_letter_queue() -> None:
    resources = _resources()
    queue = resources["TimerQueue"]["Properties"]
    assert not queue.get("FifoQueue", False), "per-message DelaySeconds needs a standard queue"
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["VisibilityTimeout"] >= 6 * resources["TimerFunction"]["Properties"]["Timeout"]
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["TimerDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 5,
    }
    dead_letter = resources["TimerDeadLetterQueue"]
    assert dead_letter["Type"] == "AWS::SQS::Queue"
    assert not dead_letter["Properties"].get("FifoQueue", False)


def test_both_alarms_watch_their_dead_letter_queue() -> None:
    template = _load_template()
    resources = template["Resources"]
    assert "HasDeadLetterAlarmTopic" in template["Conditions"]
    for alarm_name, queue in (
        ("StepDeadLetterAlarm", "StepDeadLetterQueue"),
        ("TimerDeadLetterAlarm", "TimerDeadLetterQueue"),
    ):
        alarm = resources[alarm_name]
        assert alarm["Type"] == "AWS::CloudWatch::Alarm"
        properties = alarm["Properties"]
        assert properties["Namespace"] == "AWS/SQS"
        assert properties["MetricName"] == "ApproximateNumberOfMessagesVisible"
        assert properties["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}]
        assert properties["Threshold"] == 1
        assert properties["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert properties["Period"] == 60
        assert properties["EvaluationPeriods"] == 1
        assert properties["TreatMissingData"] == "notBreaching"
        assert properties["AlarmActions"] == {
            "Fn::If": ["HasDeadLetterAlarmTopic", [{"Ref": "DeadLetterAlarmTopicArn"}], {"Ref": "AWS::NoValue"}]
        }


def test_payload_bucket_is_encrypted_private_tls_only_and_expires_payloads() -> None:
    resources = _resources()
    bucket = resources["PayloadBucket"]["Properties"]
    (encryption,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert encryption["BucketKeyEnabled"] is True
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    rules = bucket["LifecycleConfiguration"]["Rules"]
    assert any(
        rule.get("Prefix") == "payloads/" and rule.get("ExpirationInDays") == {"Ref": "HistoryRetentionDays"}
        for rule in rules
    )
    assert any(rule.get("AbortIncompleteMultipartUpload") == {"DaysAfterInitiation": 1} for rule in rules)
    policy = resources["PayloadBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "PayloadBucket"}
    assert any(
        statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for statement in _statements(policy["PolicyDocument"])
    )


def test_scheduler_role_is_trusted_by_scheduler_and_only_invokes_the_timer() -> None:
    resources = _resources()
    assert resources["ScheduleGroup"]["Type"] == "AWS::Scheduler::ScheduleGroup"
    assert resources["ScheduleGroup"]["Properties"]["Name"] == {"Fn::Sub": "${AWS::StackName}-timers"}
    role = resources["SchedulerRole"]["Properties"]
    (trust,) = _statements(role["AssumeRolePolicyDocument"])
    assert trust["Effect"] == "Allow"
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Action"] == "sts:AssumeRole"
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    assert "ManagedPolicyArns" not in role
    statements = [statement for policy in role["Policies"] for statement in _statements(policy["PolicyDocument"])]
    assert statements, "SchedulerRole has no permissions"
    for statement in statements:
        assert statement["Effect"] == "Allow"
        assert _as_list(statement["Action"]) == ["lambda:InvokeFunction"]
        assert _as_list(statement["Resource"]) == [{"Fn::GetAtt": ["TimerFunction", "Arn"]}]


def test_scheduler_may_invoke_the_timer_for_its_group_only() -> None:
    permission = _resources()["PermissionForSchedulerToInvokeTimer"]
    assert permission["Type"] == "AWS::Lambda::Permission"
    properties = permission["Properties"]
    assert properties["Action"] == "lambda:InvokeFunction"
    assert properties["Principal"] == "scheduler.amazonaws.com"
    assert _referenced(properties["FunctionName"]) == {"TimerFunction"}
    assert properties["SourceAccount"] == {"Ref": "AWS::AccountId"}
    source = properties["SourceArn"]["Fn::Sub"]
    assert source.endswith(":schedule/${ScheduleGroup}/*"), source


def test_queue_consumers_report_batch_item_failures() -> None:
    resources = _resources()
    # StepFunction consumes both queues: due wake-ups are applied where they arrive (one hop less).
    events = resources["StepFunction"]["Properties"]["Events"]
    assert {event["Properties"]["Queue"]["Fn::GetAtt"][0] for event in events.values()} == {"StepQueue",
                                                                                           "TimerQueue"}
    for event in events.values():
        assert event["Type"] == "SQS"
        assert event["Properties"]["BatchSize"] == 10
        assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    for function in ("ValidateFunction", "StartFunction", "CallbackFunction", "StopFunction", "TimerFunction"):
        assert "Events" not in resources[function]["Properties"], function
    # Each queue's visibility timeout covers six of its consumer's timeouts, as Lambda advises.
    timeout = resources["StepFunction"]["Properties"]["Timeout"]
    for queue in ("StepQueue", "TimerQueue"):
        assert resources[queue]["Properties"]["VisibilityTimeout"] >= 6 * timeout, queue


def test_functions_have_least_privilege_policies() -> None:
    resources = _resources()
    table = {"TableName": {"Ref": "Table"}}
    bucket = {"BucketName": {"Ref": "PayloadBucket"}}
    step_queue = {"QueueName": {"Fn::GetAtt": ["StepQueue", "QueueName"]}}
    timer_queue = {"QueueName": {"Fn::GetAtt": ["TimerQueue", "QueueName"]}}
    expected = {
        "StartFunction": [
            {"DynamoDBCrudPolicy": table},
            {"SQSSendMessagePolicy": step_queue},
            {"S3CrudPolicy": bucket},
        ],
        "CallbackFunction": [
            {"DynamoDBReadPolicy": table},
            {"SQSSendMessagePolicy": step_queue},
            {"S3CrudPolicy": bucket},
        ],
        "TimerFunction": [{"SQSSendMessagePolicy": step_queue}, {"SQSSendMessagePolicy": timer_queue}],
        "StopFunction": [{"DynamoDBReadPolicy": table}, {"SQSSendMessagePolicy": step_queue}],
    }
    for function, policies in expected.items():
        assert resources[function]["Properties"]["Policies"] == policies, function
    api = resources["ApiFunction"]["Properties"]["Policies"]
    assert [policy for policy in api if "Statement" not in policy] == [
        {"DynamoDBCrudPolicy": table},
        {"SQSSendMessagePolicy": step_queue},
        {"S3CrudPolicy": bucket},
    ]
    step = resources["StepFunction"]["Properties"]["Policies"]
    templates = [policy for policy in step if "Statement" not in policy]
    assert templates == [
        {"DynamoDBCrudPolicy": table},
        {"SQSSendMessagePolicy": step_queue},
        {"SQSSendMessagePolicy": timer_queue},
        {"S3CrudPolicy": bucket},
        # The user's own policy for aws-sdk and optimized tasks, when TaskPolicyArn is set.
        {"Fn::If": ["HasTaskPolicy", {"Ref": "TaskPolicyArn"}, {"Ref": "AWS::NoValue"}]},
    ]
    statements = [statement for policy in step if "Statement" in policy for statement in _statements(policy)]
    by_action = {action: statement for statement in statements for action in _as_list(statement["Action"])}
    assert set(by_action) == {"scheduler:CreateSchedule", "scheduler:DeleteSchedule", "iam:PassRole",
                              "lambda:InvokeFunction", "events:DescribeConnection", "secretsmanager:GetSecretValue"}
    # HTTP tasks read EventBridge connections and the secrets EventBridge keeps for them, nothing else.
    assert by_action["secretsmanager:GetSecretValue"]["Resource"] == {"Fn::Sub": (
        "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:events!connection/*")}
    for action in ("scheduler:CreateSchedule", "scheduler:DeleteSchedule"):
        resource = by_action[action]["Resource"]["Fn::Sub"]
        assert resource == (
            "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/${ScheduleGroup}/*"
        )
    pass_role = by_action["iam:PassRole"]
    assert pass_role["Resource"] == {"Fn::GetAtt": ["SchedulerRole", "Arn"]}
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}
    # Task functions: only those whose name matches the TaskFunctionNames pattern, with their versions.
    function = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${TaskFunctionNames}"
    assert by_action["lambda:InvokeFunction"]["Resource"] == [{"Fn::Sub": function}, {"Fn::Sub": f"{function}:*"}]


def test_every_function_outputs_its_arn_name_role_and_log_group() -> None:
    outputs = _load_template()["Outputs"]
    for name in FUNCTIONS:
        assert outputs[f"{name}Arn"]["Value"] == {"Fn::GetAtt": [name, "Arn"]}
        assert outputs[f"{name}Name"]["Value"] == {"Ref": name}
        assert outputs[f"{name}RoleArn"]["Value"] == {"Fn::GetAtt": [f"{name}Role", "Arn"]}
        assert outputs[f"{name}LogGroupName"]["Value"] == {"Ref": f"{name}LogGroup"}


def test_runtime_outputs_are_named_for_what_other_code_reads() -> None:
    outputs = _load_template()["Outputs"]
    expected = {
        "TableName": {"Ref": "Table"},
        "TableArn": {"Fn::GetAtt": ["Table", "Arn"]},
        "StepQueueUrl": {"Ref": "StepQueue"},
        "StepQueueArn": {"Fn::GetAtt": ["StepQueue", "Arn"]},
        "StepDeadLetterQueueUrl": {"Ref": "StepDeadLetterQueue"},
        "StepDeadLetterQueueArn": {"Fn::GetAtt": ["StepDeadLetterQueue", "Arn"]},
        "TimerQueueUrl": {"Ref": "TimerQueue"},
        "TimerQueueArn": {"Fn::GetAtt": ["TimerQueue", "Arn"]},
        "TimerDeadLetterQueueUrl": {"Ref": "TimerDeadLetterQueue"},
        "TimerDeadLetterQueueArn": {"Fn::GetAtt": ["TimerDeadLetterQueue", "Arn"]},
        "ScheduleGroupName": {"Ref": "ScheduleGroup"},
        "SchedulerRoleArn": {"Fn::GetAtt": ["SchedulerRole", "Arn"]},
        "PayloadBucketName": {"Ref": "PayloadBucket"},
        "StepDeadLetterAlarmName": {"Ref": "StepDeadLetterAlarm"},
        "TimerDeadLetterAlarmName": {"Ref": "TimerDeadLetterAlarm"},
    }
    for key, value in expected.items():
        assert outputs[key]["Value"] == value, key


def test_parameters_of_the_runtime() -> None:
    parameters = _load_template()["Parameters"]
    assert parameters["LogLevel"]["Default"] == "INFO"
    assert parameters["HistoryRetentionDays"]["Type"] == "Number"
    assert parameters["HistoryRetentionDays"]["Default"] == 90
    assert parameters["EventFlowName"] == {**parameters["EventFlowName"], "Type": "String", "Default": ""}
    assert parameters["DeadLetterAlarmTopicArn"] == {
        **parameters["DeadLetterAlarmTopicArn"],
        "Type": "String",
        "Default": "",
    }


def test_samconfig_defaults() -> None:
    with SAMCONFIG.open("rb") as handle:
        config = tomllib.load(handle)
    assert config["version"] == 0.1
    default = config["default"]
    assert default["global"]["parameters"]["stack_name"] == "cloudflow"
    assert default["build"]["parameters"] == {**default["build"]["parameters"], "cached": True, "parallel": True}
    assert default["validate"]["parameters"]["lint"] is True
    deploy = default["deploy"]["parameters"]
    assert deploy["capabilities"] == "CAPABILITY_IAM"
    assert deploy["confirm_changeset"] is True
    assert deploy["resolve_s3"] is True
    assert deploy["s3_prefix"] == "cloudflow"
    overrides = dict(item.split("=", 1) for item in deploy["parameter_overrides"].split())
    assert overrides == {"LogLevel": "INFO", "HistoryRetentionDays": "90"}
    assert default["sync"]["parameters"]["watch"] is True
    assert default["local_start_api"]["parameters"]["warm_containers"] == "EAGER"


# ---------------------------------------------------------------- triggers (rules and schedules that start flows)

RULE_PREFIX = "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/cloudflow-${AWS::StackName}.*"


def test_trigger_schedule_group_and_role_only_invoke_the_start_function() -> None:
    resources = _resources()
    group = resources["TriggerScheduleGroup"]
    assert group["Type"] == "AWS::Scheduler::ScheduleGroup"
    assert group["Properties"]["Name"] == {"Fn::Sub": "${AWS::StackName}-triggers"}
    role = resources["TriggerSchedulerRole"]["Properties"]
    (trust,) = _statements(role["AssumeRolePolicyDocument"])
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Action"] == "sts:AssumeRole"
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"},
                                                   "aws:SourceArn": {"Fn::GetAtt": ["TriggerScheduleGroup", "Arn"]}}}
    assert "ManagedPolicyArns" not in role
    statements = [statement for policy in role["Policies"] for statement in _statements(policy["PolicyDocument"])]
    assert statements
    for statement in statements:
        assert statement["Effect"] == "Allow"
        assert _as_list(statement["Action"]) == ["lambda:InvokeFunction"]
        assert _as_list(statement["Resource"]) == [{"Fn::GetAtt": ["StartFunction", "Arn"]}]


def test_only_the_stacks_trigger_rules_may_invoke_the_start_function() -> None:
    permission = _resources()["PermissionForTriggerRulesToInvokeStart"]["Properties"]
    assert permission["Action"] == "lambda:InvokeFunction"
    assert permission["Principal"] == "events.amazonaws.com"
    assert _referenced(permission["FunctionName"]) == {"StartFunction"}
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert permission["SourceArn"] == {"Fn::Sub": RULE_PREFIX}


def test_api_function_manages_triggers_with_least_privilege() -> None:
    template = _load_template()
    resources = template["Resources"]
    variables = resources["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert variables == {
        "CLOUDFLOW_START_FUNCTION_ARN": {"Fn::GetAtt": ["StartFunction", "Arn"]},
        "CLOUDFLOW_TRIGGER_ROLE_ARN": {"Fn::GetAtt": ["TriggerSchedulerRole", "Arn"]},
        "CLOUDFLOW_TRIGGER_SCHEDULE_GROUP": {"Ref": "TriggerScheduleGroup"},
        "CLOUDFLOW_STACK_NAME": {"Ref": "AWS::StackName"},
    }
    for name in ("CLOUDFLOW_START_FUNCTION_ARN", "CLOUDFLOW_TRIGGER_ROLE_ARN"):
        assert name not in template["Globals"]["Function"]["Environment"]["Variables"]  # a cycle otherwise
    policies = resources["ApiFunction"]["Properties"]["Policies"]
    statements = [statement for policy in policies if "Statement" in policy for statement in _statements(policy)]
    by_action = {action: statement for statement in statements for action in _as_list(statement["Action"])}
    rules = ["events:PutRule", "events:PutTargets", "events:RemoveTargets", "events:DeleteRule",
             "events:DescribeRule", "events:ListTargetsByRule"]
    schedules = ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:GetSchedule",
                 "scheduler:DeleteSchedule"]
    assert set(by_action) == {*rules, *schedules, "scheduler:ListSchedules", "iam:PassRole"}
    for action in rules:
        assert by_action[action]["Resource"] == {"Fn::Sub": RULE_PREFIX}, action
    for action in schedules:
        assert by_action[action]["Resource"] == {"Fn::Sub": (
            "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/${TriggerScheduleGroup}/*")}
    assert by_action["scheduler:ListSchedules"]["Resource"] == "*"  # no resource-level permissions
    pass_role = by_action["iam:PassRole"]
    assert pass_role["Resource"] == {"Fn::GetAtt": ["TriggerSchedulerRole", "Arn"]}
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}
    assert all(statement["Effect"] == "Allow" for statement in statements)


def test_example_triggers_start_their_flows_as_the_api_would_and_are_disabled_by_default() -> None:
    from cloudflow.adapters.trigger_management import (
        RULE_INPUT_PATHS,
        TARGET_ID,
        rule_input_template,
        schedule_target_input,
    )

    template = _load_template()
    parameter = template["Parameters"]["ExampleTriggersState"]
    assert parameter == {**parameter, "Type": "String", "Default": "DISABLED",
                         "AllowedValues": ["ENABLED", "DISABLED"]}
    resources = template["Resources"]
    rule = resources["ExampleOrderRule"]
    assert rule["Type"] == "AWS::Events::Rule"
    properties = rule["Properties"]
    assert properties["State"] == {"Ref": "ExampleTriggersState"}
    assert properties["EventPattern"] == {"source": ["cloudflow.examples"], "detail-type": ["OrderPlaced"]}
    (target,) = properties["Targets"]
    assert target["Id"] == TARGET_ID
    assert target["Arn"] == {"Fn::GetAtt": ["StartFunction", "Arn"]}
    assert target["InputTransformer"] == {"InputPathsMap": RULE_INPUT_PATHS,
                                          "InputTemplate": rule_input_template("order")}
    permission = resources["PermissionForExampleOrderRuleToInvokeStart"]["Properties"]
    assert permission["Principal"] == "events.amazonaws.com"
    assert permission["SourceArn"] == {"Fn::GetAtt": ["ExampleOrderRule", "Arn"]}
    assert _referenced(permission["FunctionName"]) == {"StartFunction"}

    schedule = resources["ExampleMapItemsSchedule"]
    assert schedule["Type"] == "AWS::Scheduler::Schedule"
    properties = schedule["Properties"]
    assert properties["GroupName"] == {"Ref": "TriggerScheduleGroup"}
    assert properties["ScheduleExpression"] == "rate(1 day)"
    assert properties["State"] == {"Ref": "ExampleTriggersState"}
    assert properties["FlexibleTimeWindow"] == {"Mode": "OFF"}
    example_input = json.loads((REPO / "examples" / "map-items" / "input.json").read_text(encoding="utf-8"))
    assert properties["Target"] == {
        "Arn": {"Fn::GetAtt": ["StartFunction", "Arn"]},
        "RoleArn": {"Fn::GetAtt": ["TriggerSchedulerRole", "Arn"]},
        "Input": schedule_target_input("map-items", "example-daily", example_input),
    }


def test_trigger_outputs() -> None:
    outputs = _load_template()["Outputs"]
    expected = {
        "TriggerScheduleGroupName": {"Ref": "TriggerScheduleGroup"},
        "TriggerSchedulerRoleArn": {"Fn::GetAtt": ["TriggerSchedulerRole", "Arn"]},
        "PermissionForTriggerRulesToInvokeStartId": {"Ref": "PermissionForTriggerRulesToInvokeStart"},
        "ExampleOrderRuleArn": {"Fn::GetAtt": ["ExampleOrderRule", "Arn"]},
        "ExampleMapItemsScheduleArn": {"Fn::GetAtt": ["ExampleMapItemsSchedule", "Arn"]},
    }
    for key, value in expected.items():
        assert outputs[key]["Value"] == value, key
