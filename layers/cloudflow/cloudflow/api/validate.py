"""Validate a definition (ValidateStateMachineDefinition): ASL, or a CloudFlow format run as ASL."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from cloudflow.api.models import DiagnosticModel, ValidateAnswer, ValidateRequest
from cloudflow.api.services import ApiServices, error_responses
from cloudflow.asl.loader import load_state_machine
from cloudflow.errors import InvalidDefinitionError


def register(app: APIGatewayRestResolver, services: ApiServices) -> None:
    """Add the validation route to `app`."""

    @app.post("/validate", tags=["flows"], summary="Check a definition (ValidateStateMachineDefinition)",
              description="Answers every problem, each located by a JSON pointer into the definition; the "
                          "definition is an object or its JSON/YAML text.",
              responses=error_responses(400))
    def validate(body: ValidateRequest) -> ValidateAnswer:
        try:
            load_state_machine(body.definition)
        except InvalidDefinitionError as error:
            return ValidateAnswer(result="FAIL",
                                  diagnostics=[DiagnosticModel(**d.to_dict()) for d in error.diagnostics])
        return ValidateAnswer(result="OK", diagnostics=[])
