"""workbook: the Excel round trip — the source's layout (excel_layout, excel_cells), kpi export,
kpi import and kpi new's template."""
