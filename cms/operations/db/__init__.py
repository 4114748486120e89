"""Database backends of the operations app (issue 16's faults)."""
