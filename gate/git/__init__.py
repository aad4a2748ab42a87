"""What git tells: the commit scanned, and what a change touched."""
