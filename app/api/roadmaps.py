"""Roadmap endpoints (CONTRACT §2 /api/v1/roadmaps…)."""
