"""The checks behind `cloudflow.asl.validate`, one concept per module."""
