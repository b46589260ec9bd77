"""The pure interpreter: advance(machine, snapshot, event, now) -> Decision. No I/O, clock or randomness."""
