"""kpi_lib: strategy-KPI progress analysis for Japanese regional revitalization strategies.

Data flows one way: data tables -> loading (validated Dataset) -> grading (tidy results)
-> audit / charts / commentary -> notebooks -> report (papermill, HTML).
"""

__version__ = "0.1.0"
