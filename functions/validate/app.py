"""ValidateFunction: checks an ASL definition, like Step Functions' ValidateStateMachineDefinition.

Direct invocation only. Request: ``{"definition": <ASL object, or its JSON/YAML text>}``.
Answers:

* ``{"result": "OK", "diagnostics": []}`` - the definition is valid;
* ``{"result": "FAIL", "diagnostics": [{"code", "message", "pointer"}, ...]}`` - it is not
  (``pointer`` is a JSON pointer into the definition);
* ``{"error": "InvalidRequest", "message": ..., "fields": [{"field", "message"}, ...]}`` - the
  event itself is malformed (e.g. ``definition`` missing or of the wrong type); no stack trace.

The handler stays thin: all the ASL knowledge lives in the ``cloudflow`` package (EngineLayer).
"""

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cloudflow.asl.loader import parse_definition_text
from cloudflow.asl.validate import validate_definition
from cloudflow.errors import Diagnostic, InvalidDefinitionError
from cloudflow.json_types import json_type_phrase

logger = Logger()
tracer = Tracer()


class ValidateRequest(BaseModel):
    """The direct-invocation event."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    definition: Any = Field(description="The state machine definition: an ASL object or its JSON/YAML text.")

    @field_validator("definition")
    @classmethod
    def _object_or_text(cls, value: Any) -> Any:
        if not isinstance(value, dict | str):
            raise ValueError(f"must be an ASL object or its JSON/YAML text, not {json_type_phrase(value)}")
        return value


def _invalid_request(error: ValidationError) -> dict[str, Any]:
    """A malformed event, as an answer that names every offending field."""
    fields = []
    for problem in error.errors(include_url=False, include_context=False, include_input=False):
        field = ".".join(str(part) for part in problem["loc"]) or "(event)"
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "unknown field; the event takes only 'definition'"
        elif problem["type"] == "model_type":
            message = 'the event must be a JSON object like {"definition": ...}'
        fields.append({"field": field, "message": message})
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return {"error": "InvalidRequest", "message": f"Malformed event: {summary}", "fields": fields}


@tracer.capture_method
def _diagnose(definition: dict[str, Any] | str) -> list[Diagnostic]:
    """All problems of the definition; text that does not even parse yields the parser's diagnostics."""
    if isinstance(definition, str):
        try:
            definition = parse_definition_text(definition)
        except InvalidDefinitionError as error:
            return list(error.diagnostics)
    return list(validate_definition(definition))


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    try:
        request = ValidateRequest.model_validate(event)
    except ValidationError as error:
        answer = _invalid_request(error)
        logger.warning("Malformed event", extra={"fields": answer["fields"]})
        return answer

    diagnostics = _diagnose(request.definition)
    result = "FAIL" if diagnostics else "OK"
    tracer.put_annotation(key="result", value=result)
    logger.info("Definition validated", extra={"result": result, "diagnostic_count": len(diagnostics)})
    return {"result": result, "diagnostics": [d.to_dict() for d in diagnostics]}
