"""The durable runtime: load a unit, advance it, commit one conditional write, dispatch its commands."""
