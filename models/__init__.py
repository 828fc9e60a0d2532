"""pandera contracts, one module per layer (raw, staging, marts, plan)."""
