"""publishing: kpi report — papermill runs the report notebooks, html_export makes offline HTML,
pdf prints it, notebook_sources guards the templates (templates/ holds the HTML template)."""
