"""Traffic driver of the zero-downtime proof: replica processes running the catalog code against the database."""
