"""Running the site: health and readiness probes, Prometheus metrics, structured logs."""
