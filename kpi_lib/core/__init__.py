"""core: what every layer uses and nothing of kpi_lib's own below it — errors, files, where shipped
files are, numbers and their rounding, fiscal years, the ja/en label catalogue, number formatting,
and the per-machine cache."""
