"""What is scanned: resolving bundles and archives, the private copy, and the discovery
of functions and their manifests."""
