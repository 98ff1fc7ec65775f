"""What the API says about each domain's objects, one module per domain."""
