"""presentation: tables, sentences and charts made from the analysis results — style, tables,
commentary, charts (Altair), their rendering and fonts, and views (what a report notebook shows)."""
