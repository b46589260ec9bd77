"""Data flow: JSONPath, payload templates, intrinsic functions and the input/output path pipeline."""
