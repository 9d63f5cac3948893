"""Aggregation over a run's tables (pandas): entity x concept co-occurrence, trends, the shift index."""
