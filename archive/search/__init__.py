"""Full-text and faceted search over published documents."""
