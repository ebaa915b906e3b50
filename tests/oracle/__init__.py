"""Independent re-computation of the public marts from the metric contract (test oracle)."""
