"""`make bench`: the load benchmark (run.py) and the bench-only settings and URLs it starts the server with."""
