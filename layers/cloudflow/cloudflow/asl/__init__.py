"""Amazon States Language: text -> frozen model, with validation that points into the definition."""
