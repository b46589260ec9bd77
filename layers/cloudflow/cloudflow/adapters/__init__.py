"""Adapters: the only code that imports boto3. Each translates the service's errors once."""
