"""The management REST API (flows, executions, tasks, usage, validation) on Powertools Event Handler."""
