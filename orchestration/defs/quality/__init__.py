"""Quality: asset checks (GX suites, annotation agreement) and the figure relations."""
