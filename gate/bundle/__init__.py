"""What is scanned: resolving bundles and archives, the private copy, discovery of functions and their manifests."""
