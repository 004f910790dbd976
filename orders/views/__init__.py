"""The orders pages, one module per topic."""
