"""Statistics the way the Government Office reports them: four buckets per agency, as of a day."""
