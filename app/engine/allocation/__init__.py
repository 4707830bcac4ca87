"""Block orders and their allocation: the split arithmetic, allocation templates and the versioned allocations."""
