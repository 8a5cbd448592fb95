"""The JSON API (/api/): token-authenticated access to plans, tasks, units and progress reports,
under the same permission rules as the pages (kesu.org.permissions)."""
