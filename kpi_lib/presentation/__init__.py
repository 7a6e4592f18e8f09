"""presentation: tables, sentences and charts made from the analysis results — style, tables,
commentary, charts (Altair), their rendering and fonts, views (what a report notebook shows), and
notebook (setting up a notebook's kernel when it asks: kpi_lib.setup_notebook())."""
