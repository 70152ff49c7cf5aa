"""Support code for the aigateway.kong integration tests."""
