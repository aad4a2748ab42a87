"""Running the scanners: isolated workers, the findings cache, shards."""
