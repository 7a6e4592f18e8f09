"""publishing: kpi report — papermill runs the report notebooks, html_export makes offline HTML,
pdf prints it, notebook_sources guards the templates (templates/ holds the nbconvert template of the
pages, kpi_report/, and the Jinja template of a report set's index page)."""
