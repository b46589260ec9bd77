"""The local runner: the pure engine driven to completion in one process on a virtual clock."""
