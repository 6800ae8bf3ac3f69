"""CiteCare tests."""
