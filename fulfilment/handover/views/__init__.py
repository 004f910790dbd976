"""The hand-over pages: task dashboards and cards, and the operations director's control tower."""
