"""Task integrations: how a Task's Resource is carried out and how the answer becomes the task's outcome.

Pure code: requests are built from an InvokeTask and responses shaped into outcomes here, while the
calls themselves go through ports (adapters call AWS with boto3; the local stack calls functions in
process).
"""
