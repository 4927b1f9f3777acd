"""What the tests, the benchmarks and the scripts share: launching browsers, the test site,
talking to a collector, waiting for it, and the workloads and walks they drive. Benchmarks and
scripts run as modules from the project root (`python -m benchmarks.compare`) to import it."""
